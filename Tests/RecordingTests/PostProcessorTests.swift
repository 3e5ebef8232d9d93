import Fixtures
import Foundation
import ParleyWire
import Testing

@testable import ParleyRecording

@Suite("Recording post-processor: captures → playable files, checked with ffprobe/ffmpeg", .serialized)
struct PostProcessorTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test(
        "audio only → Ogg Opus: ffprobe sees one opus stream of the RTP span, ffmpeg decodes it without errors",
        .enabled(if: MediaTools.available, Comment(rawValue: MediaTools.skipReason)))
    func oggOpus() throws {
        let directory = try MediaTools.temporaryDirectory("ogg")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 3 s of tone with a burst of 10 lost packets (200 ms) that the output must keep as time.
        let packets = try OpusRTPStream.packets(
            .tone(frequency: 440), seconds: 3,
            train: RTPTrain(
                ssrc: 0x4F50_5553, payloadType: 111, firstSequence: 65_500, loss: .bursts(starts: [40], length: 10)))
        let fixture = CaptureFixture(streams: [
            CaptureFixture.Stream(media: "audio", codec: "opus", clockRate: 48_000, channels: 2, packets: packets)
        ])
        let paths = try fixture.write(to: directory, stem: "capture")
        let output = try RecordingPostProcessor.process(
            manifestPath: paths.manifest, outputDirectory: directory + "/out", stem: "rec")
        #expect(output.format == .ogg)
        #expect(output.contentType == "audio/ogg")
        #expect(output.tracks == ["opus"])
        #expect(output.path == directory + "/out/rec.ogg")
        #expect(abs(output.durationSeconds - 3) < 0.05)
        let size = try FileManager.default.attributesOfItem(atPath: output.path)[.size] as? NSNumber
        #expect(size?.uint64Value == output.sizeBytes)
        let probe = try MediaTools.probe(output.path)
        #expect(probe.codecs == ["opus"])
        #expect(abs(probe.duration - 3) <= 0.2, "ffprobe duration \(probe.duration)")
        #expect(try MediaTools.decodeErrors(output.path) == "")
    }

    /// What a capture's publisher tracks span: from the first to the last arrival of their RTP, and the longest
    /// RTP timestamp span of one track (the media's own length).
    static func publisherSpans(manifestPath: String) throws -> (arrival: Double, media: Double) {
        let manifest = try JSONDecoder().decode(
            CaptureManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        let streams = manifest.sessions.filter { $0.kind == "publisher" }.flatMap(\.streams)
        let clockRates = Dictionary(streams.compactMap { stream in stream.ssrc.map { ($0, stream.clockRate) } }) {
            a, _ in a
        }
        let pcap = (manifestPath as NSString).deletingLastPathComponent + "/" + manifest.pcapFile
        var first = Int64.max
        var last = Int64.min
        var timestamps: [UInt32: (first: UInt32, last: UInt32)] = [:]
        for record in try PcapReader(path: pcap).readAll() {
            guard let payload = record.udpDatagram?.payload, RTPOrRTCP.classify(payload) == .rtp,
                let packet = try? RTPPacket.parse(payload), clockRates[packet.ssrc] != nil
            else { continue }
            first = min(first, record.timestamp.totalMicroseconds)
            last = max(last, record.timestamp.totalMicroseconds)
            timestamps[packet.ssrc] = (timestamps[packet.ssrc]?.first ?? packet.timestamp, packet.timestamp)
        }
        let media =
            timestamps.map { ssrc, span in
                Double(span.last &- span.first) / Double(clockRates[ssrc] ?? 90_000)
            }.max() ?? 0
        return (Double(last - first) / 1_000_000, media)
    }

    @Test(
        "the repository's aiortc and Chromium captures (Opus + VP8) → WebM with both streams, the capture's span, no decode errors",
        .enabled(if: MediaTools.available, Comment(rawValue: MediaTools.skipReason)),
        arguments: [("aiortc-publish", false), ("chromium-publish", true)])
    func webmFromCaptures(name: String, realTimeSender: Bool) throws {
        let directory = try MediaTools.temporaryDirectory("webm")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manifestPath = Self.repositoryRoot + "/captures/\(name).json"
        let output = try RecordingPostProcessor.process(
            manifestPath: manifestPath, outputDirectory: directory, stem: name)
        #expect(output.format == .webm)
        #expect(output.contentType == "video/webm")
        #expect(output.tracks == ["opus", "VP8"])
        let span = try Self.publisherSpans(manifestPath: manifestPath)
        let probe = try MediaTools.probe(output.path)
        #expect(probe.formatName.contains("webm"))
        #expect(probe.codecs == ["opus", "vp8"])
        #expect(probe.widths.first ?? 0 > 0)
        // Times come from RTP timestamps: the file lasts as long as the media does.
        #expect(abs(output.durationSeconds - span.media) <= 0.2, "duration \(output.durationSeconds) vs \(span)")
        #expect(abs(probe.duration - span.media) <= 0.2, "ffprobe duration \(probe.duration) vs \(span)")
        // The aiortc capture was made on a loaded machine: its sender's RTP clocks ran at 0.58 (audio) and 0.86
        // (video) of its NTP clock (its sender reports say so), so only the real-time sender's media fills the
        // wall-clock span.
        if realTimeSender {
            #expect(abs(probe.duration - span.arrival) <= 0.2, "ffprobe duration \(probe.duration) vs \(span)")
        }
        #expect(try MediaTools.decodeErrors(output.path) == "")
    }

    @Test("bad input: a missing manifest, a non-capture manifest, a newer version, no publisher track")
    func badInput() throws {
        let directory = try MediaTools.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func process(_ json: String) -> RecordingError? {
            let path = directory + "/m.json"
            _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
            do {
                _ = try RecordingPostProcessor.process(manifestPath: path, outputDirectory: directory, stem: "x")
                return nil
            } catch { return error }
        }
        do {
            _ = try RecordingPostProcessor.process(
                manifestPath: directory + "/missing.json", outputDirectory: directory, stem: "x")
            Issue.record("a missing manifest was processed")
        } catch {
            guard case .manifestUnreadable = error else { Issue.record("\(error)"); return }
        }
        guard case .manifestUnreadable = process("{not json") else { Issue.record("not JSON accepted"); return }
        var manifest = CaptureFixture(streams: [.vp8(frames: 1)]).manifest
        manifest.pcapFile = "m.pcap"
        manifest.format = "other"
        let encoder = JSONEncoder()
        guard case .manifestUnreadable = process(String(decoding: try encoder.encode(manifest), as: UTF8.self)) else {
            Issue.record("another format accepted"); return
        }
        manifest.format = CaptureManifest.formatName
        manifest.version = CaptureManifest.currentVersion + 1
        #expect(
            process(String(decoding: try encoder.encode(manifest), as: UTF8.self)) == .unsupportedManifestVersion(2))
        manifest.version = CaptureManifest.currentVersion
        manifest.sessions[0].kind = "subscriber"
        #expect(process(String(decoding: try encoder.encode(manifest), as: UTF8.self)) == .noRecordableTrack)
        manifest.sessions[0].kind = "publisher"
        guard case .pcapUnreadable = process(String(decoding: try encoder.encode(manifest), as: UTF8.self)) else {
            Issue.record("a missing pcap accepted"); return
        }
    }
}

@Suite("Recording post-processor: crash-cut captures and retransmissions", .serialized)
struct PostProcessorRecoveryTests {
    @Test(
        "a capture cut mid-record by a crash (complete: false) is processed up to the damage",
        .enabled(if: MediaTools.available, Comment(rawValue: MediaTools.skipReason)))
    func truncatedCapture() throws {
        let directory = try MediaTools.temporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixture = CaptureFixture(streams: [try .opusTone(seconds: 2)])
        let paths = try fixture.write(to: directory, stem: "capture")
        // Cut the pcap in the middle of a record, as a server killed mid-write leaves it, and mark it unfinished.
        var pcap = try Data(contentsOf: URL(fileURLWithPath: paths.pcap))
        pcap.removeLast(pcap.count / 2 + 7)
        try pcap.write(to: URL(fileURLWithPath: paths.pcap))
        var manifest = try JSONDecoder().decode(
            CaptureManifest.self, from: Data(contentsOf: URL(fileURLWithPath: paths.manifest)))
        manifest.complete = false
        manifest.stoppedAt = nil
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: paths.manifest))

        let output = try RecordingPostProcessor.process(
            manifestPath: paths.manifest, outputDirectory: directory, stem: "rec")
        #expect(output.durationSeconds > 0.5 && output.durationSeconds < 1.5, "duration \(output.durationSeconds)")
        #expect(try MediaTools.decodeErrors(output.path) == "")
        // A pcap without even its file header is an error with a reason, not a crash.
        try Data([0xD4, 0xC3]).write(to: URL(fileURLWithPath: paths.pcap))
        #expect(throws: RecordingError.self) {
            try RecordingPostProcessor.process(manifestPath: paths.manifest, outputDirectory: directory, stem: "rec2")
        }
        // A pcap with a header and no packet: nothing to write.
        try Data(PcapFixture.pcap([])).write(to: URL(fileURLWithPath: paths.pcap))
        #expect(throws: RecordingError.noMedia) {
            try RecordingPostProcessor.process(manifestPath: paths.manifest, outputDirectory: directory, stem: "rec3")
        }
    }

    @Test(
        "an RTX copy (RFC 4588) of a lost video packet restores the frame; a VP8 loss without one waits for a key frame"
    )
    func retransmission() throws {
        let directory = try MediaTools.temporaryDirectory("rtx")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 60 frames, a key frame every 30 (VP8Frames' default); packet 40 lost on the media SSRC.
        var video = VP8Frames().packets(frames: 60, train: RTPTrain(ssrc: 0x5650_3830, payloadType: 96))
        let lost = video[40]
        video[40].delivered = false
        var original = lost.packet
        original.ssrc = 0x5254_5800
        original.payloadType = 97
        original.payload =
            [UInt8(lost.packet.sequenceNumber >> 8), UInt8(lost.packet.sequenceNumber & 0xFF)] + lost.packet.payload
        original.sequenceNumber = 7
        var rtx = lost
        rtx.packet = original
        rtx.offsetMicros += 40_000

        func frames(withRTX: Bool) throws -> Int {
            let streams = [
                CaptureFixture.Stream(media: "video", codec: "VP8", clockRate: 90_000, packets: video),
                CaptureFixture.Stream(media: "video", codec: "rtx", clockRate: 90_000, packets: withRTX ? [rtx] : []),
            ]
            let paths = try CaptureFixture(streams: withRTX ? streams : [streams[0]]).write(to: directory, stem: "c")
            var manifest = try JSONDecoder().decode(
                CaptureManifest.self, from: Data(contentsOf: URL(fileURLWithPath: paths.manifest)))
            manifest.sessions[0].streams[0].rtxSSRC = 0x5254_5800
            manifest.sessions[0].streams[0].rtxPayloadType = 97
            try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: paths.manifest))
            let captured = try CaptureReader.readTracks(
                manifest: try CaptureReader.readManifest(at: paths.manifest), manifestPath: paths.manifest)
            return VP8Depacketizer.samples(from: RTPOrdering.order(captured[0].packets)).count
        }
        let lostFrame = VP8Frames().payloads(frames: 60)[40].frame
        #expect(try frames(withRTX: true) == 60)
        // Without the copy, the frame with the lost packet and the inter frames after it until the key frame at 30
        // or 60 are gone.
        #expect(try frames(withRTX: false) == (lostFrame < 30 ? 60 - (30 - lostFrame) : 60 - (60 - lostFrame)))
    }
}
