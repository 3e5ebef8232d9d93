import ArgumentParser
import Foundation
import ParleyRecording

/// `parley-server recording process <manifest.json> [--out DIR]`: runs the recording post-processor on one capture
/// by hand (field debugging of a recording that failed; docs/recording-format.md).
struct RecordingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recording", abstract: "Recording tools.", subcommands: [ProcessCapture.self])

    struct ProcessCapture: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "process",
            abstract: "Turn a capture (<stem>.json + .pcap) into a playable MP4, WebM or Ogg file; prints it as JSON.")

        @Argument(help: "The capture's JSON manifest.")
        var manifest: String

        @Option(help: "Output directory (default: the manifest's directory).")
        var out: String?

        func run() throws {
            let directory = out ?? (manifest as NSString).deletingLastPathComponent
            let stem = ((manifest as NSString).lastPathComponent as NSString).deletingPathExtension
            do {
                let output = try RecordingPostProcessor.process(
                    manifestPath: manifest, outputDirectory: directory.isEmpty ? "." : directory, stem: stem)
                let summary: [String: Any] = [
                    "path": output.path, "format": output.format.rawValue, "content_type": output.contentType,
                    "duration_seconds": output.durationSeconds, "size_bytes": output.sizeBytes, "tracks": output.tracks,
                ]
                let json = try JSONSerialization.data(
                    withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: json, as: UTF8.self))
            } catch let error as RecordingError {
                FileHandle.standardError.write(Data("parley-server: recording process: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
