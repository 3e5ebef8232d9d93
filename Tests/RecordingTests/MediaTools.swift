import Foundation
import Testing

/// ffprobe/ffmpeg, run on a written recording to check it independently of the muxers that wrote it.
enum MediaTools {
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    static var available: Bool { find("ffprobe") != nil && find("ffmpeg") != nil }
    static let skipReason = "ffmpeg/ffprobe not installed (scripts/install-deps.sh --test installs them)"

    /// Runs a tool; returns its exit status, stdout and stderr.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(find(tool)))
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a chatty tool cannot block on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    struct Probe {
        var formatName: String
        var duration: Double
        /// codec_name of each stream, in file order.
        var codecs: [String]
        var widths: [Int]
    }

    static func probe(_ path: String) throws -> Probe {
        let result = try run(
            "ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path])
        #expect(result.status == 0, "ffprobe failed: \(result.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let format = try #require(json["format"] as? [String: Any])
        let streams = json["streams"] as? [[String: Any]] ?? []
        return Probe(
            formatName: format["format_name"] as? String ?? "",
            duration: Double(format["duration"] as? String ?? "") ?? -1,
            codecs: streams.compactMap { $0["codec_name"] as? String },
            widths: streams.compactMap { $0["width"] as? Int })
    }

    /// `ffmpeg -v error -i F -f null -`: the decode errors, empty when the file decodes cleanly.
    static func decodeErrors(_ path: String) throws -> String {
        let result = try run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-f", "null", "-"])
        return result.status == 0 ? result.err : "exit \(result.status): \(result.err)"
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "parley-recording-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
