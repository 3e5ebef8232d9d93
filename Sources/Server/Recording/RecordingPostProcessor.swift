import Foundation
import ParleyWire

/// Turns one recorded publication (a debug capture: decrypted RTP/RTCP in a pcap plus its JSON manifest,
/// docs/capture-format.md) into one playable file without re-encoding (docs/recording-format.md): H264 → fragmented
/// MP4, VP8 → WebM, audio only → Ogg Opus. Pure: reads and writes files, keeps no state, reads no clock.
public enum RecordingPostProcessor {
    /// Reads `manifestPath` and the pcap beside it, writes `<outputDirectory>/<stem>.<mp4|webm|ogg>` (created
    /// whole under a temporary name, then renamed, so a crash never leaves a half file under the final name).
    public static func process(
        manifestPath: String, outputDirectory: String, stem: String
    ) throws(RecordingError) -> RecordingOutput {
        let manifest = try CaptureReader.readManifest(at: manifestPath)
        let captured = try CaptureReader.readTracks(manifest: manifest, manifestPath: manifestPath)
        let tracks = prepare(captured)
        guard !tracks.isEmpty else { throw .noMedia }

        let format: RecordingFormat
        let bytes: [UInt8]
        if tracks.contains(where: { $0.codec == .h264 }) {
            format = .mp4
            bytes = FragmentedMP4Writer.write(tracks: tracks)
        } else if tracks.contains(where: { $0.codec == .vp8 }) {
            format = .webm
            bytes = WebMWriter.write(tracks: tracks)
        } else {
            format = .ogg
            let audio = tracks[0]
            bytes = OggOpusWriter.write(
                samples: audio.samples, channels: audio.channels, serialNumber: serialNumber(for: stem))
        }
        let path = outputDirectory + "/" + stem + "." + format.fileExtension
        try writeFile(bytes, to: path)
        let duration = tracks.map(\.endSeconds).max() ?? 0
        return RecordingOutput(
            path: path, format: format, durationSeconds: duration, sizeBytes: UInt64(bytes.count),
            tracks: tracks.map(\.codecName))
    }

    /// Depacketizes every track, keeps the audio track and the video track with most samples, and puts them on
    /// one timeline.
    static func prepare(_ captured: [CapturedTrack]) -> [PreparedTrack] {
        var candidates: [(track: CapturedTrack, prepared: PreparedTrack)] = []
        for track in captured {
            guard let codec = track.codec else { continue }
            let ordered = RTPOrdering.order(track.packets)
            var prepared = PreparedTrack(
                codec: codec, codecName: track.stream.codec, clockRate: track.stream.clockRate,
                channels: UInt8(clamping: track.stream.channels ?? 2), samples: [], startSeconds: 0)
            switch codec {
            case .opus:
                prepared.samples = OpusDepacketizer.fillGaps(OpusDepacketizer.samples(from: ordered))
                prepared.clockRate = 48_000 // RFC 7587 §4.1: always 48 kHz
            case .vp8:
                prepared.samples = VP8Depacketizer.samples(from: ordered)
                if let dimensions = prepared.samples.lazy.compactMap({ VP8Depacketizer.dimensions(ofKeyframe: $0.data) }
                ).first {
                    (prepared.width, prepared.height) = dimensions
                }
            case .h264:
                let (samples, configuration) = H264Depacketizer.samples(from: ordered)
                // Without a sequence and a picture parameter set no decoder can start: the track is unusable.
                guard let configuration,
                    let parameters = H264SequenceParameters(nalUnit: configuration.sequenceParameterSet)
                else { continue }
                prepared.samples = samples
                prepared.h264Configuration = configuration
                prepared.width = UInt16(clamping: parameters.width)
                prepared.height = UInt16(clamping: parameters.height)
            }
            guard !prepared.samples.isEmpty else { continue }
            candidates.append((track, prepared))
        }
        let audio = candidates.filter { !$0.prepared.codec.isVideo }.max {
            $0.prepared.samples.count < $1.prepared.samples.count
        }
        let video = candidates.filter { $0.prepared.codec.isVideo }.max {
            $0.prepared.samples.count < $1.prepared.samples.count
        }
        var chosen = [audio, video].compactMap { $0 }
        let wallClock = TrackSynchronizer.firstSampleWallClock(
            tracks: chosen.map { ($0.prepared.samples, $0.prepared.clockRate, $0.track.senderReports) })
        let origin = wallClock.min() ?? 0
        for index in chosen.indices { chosen[index].prepared.startSeconds = wallClock[index] - origin }
        return chosen.map(\.prepared)
    }

    /// A stable Ogg stream serial number from the stem (RFC 3533 §6 asks for one unique within the file only).
    static func serialNumber(for stem: String) -> UInt32 { CRC32.checksum(Array(stem.utf8)) }

    static func writeFile(_ bytes: [UInt8], to path: String) throws(RecordingError) {
        let temporary = path + ".partial"
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .writeFailed("\(path): \(error.localizedDescription)")
        }
    }
}
