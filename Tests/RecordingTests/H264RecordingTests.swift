import Fixtures
import Foundation
import ParleyWire
import Testing

@testable import ParleyRecording

@Suite("H264 + Opus → fragmented MP4, from x264 Annex B packetized here with STAP-A and FU-A", .serialized)
struct H264RecordingTests {
    /// Splits an Annex B stream (ITU-T H.264 Annex B start codes) into NAL units.
    static func nalUnits(annexB bytes: [UInt8]) -> [[UInt8]] {
        var units: [[UInt8]] = []
        var start: Int?
        var index = 0
        while index + 3 <= bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                if let start {
                    var end = index
                    while end > start, bytes[end - 1] == 0 { end -= 1 }
                    units.append(Array(bytes[start..<end]))
                }
                index += 3
                start = index
            } else {
                index += 1
            }
        }
        if let start, start < bytes.count { units.append(Array(bytes[start...])) }
        return units.filter { !$0.isEmpty }
    }

    /// Access units: parameter sets and SEI join the next slice (one slice per picture, as x264 writes by default).
    static func accessUnits(_ units: [[UInt8]]) -> [[[UInt8]]] {
        var accessUnits: [[[UInt8]]] = []
        var pending: [[UInt8]] = []
        for unit in units {
            pending.append(unit)
            if [1, 5].contains(unit[0] & 0x1F) {
                accessUnits.append(pending)
                pending = []
            }
        }
        return accessUnits
    }

    /// RFC 6184 packetization: small units together in a STAP-A (§5.7.1), large ones in FU-A fragments (§5.8).
    static func payloads(_ accessUnit: [[UInt8]], mtu: Int = 1000) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var stap: [[UInt8]] = []
        func flushStap() {
            if stap.count == 1 { payloads.append(stap[0]) }
            if stap.count > 1 {
                payloads.append([0x18] + stap.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 })
            }
            stap = []
        }
        for unit in accessUnit {
            if unit.count + 2 <= mtu - 1 - stap.reduce(0, { $0 + $1.count + 2 }) {
                stap.append(unit)
                continue
            }
            flushStap()
            if unit.count <= mtu {
                payloads.append(unit)
                continue
            }
            let indicator = unit[0] & 0xE0 | 28
            let type = unit[0] & 0x1F
            var offset = 1
            while offset < unit.count {
                let end = min(unit.count, offset + mtu - 2)
                var header = type
                if offset == 1 { header |= 0x80 }
                if end == unit.count { header |= 0x40 }
                payloads.append([indicator, header] + unit[offset..<end])
                offset = end
            }
        }
        flushStap()
        return payloads
    }

    @Test(
        "3 s of x264 video (STAP-A, FU-A, a sequence wrap) and Opus → MP4: ffprobe sees h264 + opus of the span; ffmpeg decodes cleanly",
        .enabled(if: MediaTools.available, Comment(rawValue: MediaTools.skipReason)))
    func h264WithOpus() throws {
        let directory = try MediaTools.temporaryDirectory("h264")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let annexB = directory + "/video.h264"
        let encode = try MediaTools.run(
            "ffmpeg",
            [
                "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "3",
                "-pix_fmt", "yuv420p", "-c:v", "libx264", "-profile:v", "baseline", "-g", "30", "-bsf:v",
                "h264_mp4toannexb", "-f", "h264", annexB,
            ])
        try #require(encode.status == 0, "ffmpeg could not encode H264: \(encode.err)")
        let accessUnits = Self.accessUnits(
            Self.nalUnits(annexB: Array(try Data(contentsOf: URL(fileURLWithPath: annexB)))))
        #expect(accessUnits.count == 90)

        // Payloads in order, each with its frame; the train numbers them, then each gets its frame's time.
        var payloads: [(payload: [UInt8], frame: Int, last: Bool)] = []
        for (frame, accessUnit) in accessUnits.enumerated() {
            let parts = Self.payloads(accessUnit)
            for (index, payload) in parts.enumerated() { payloads.append((payload, frame, index == parts.count - 1)) }
        }
        let sawFUA = payloads.contains { $0.payload[0] & 0x1F == 28 }
        let sawSTAPA = payloads.contains { $0.payload[0] & 0x1F == 24 }
        // Sequence numbers wrap within the first seconds; timestamps wrap too.
        var video = RTPTrain(ssrc: 0x4832_3634, payloadType: 102, firstSequence: 65_400).packets(
            payloads: payloads.map(\.payload), marker: { payloads[$0].last })
        for index in video.indices {
            video[index].packet.timestamp = 4_294_900_000 &+ UInt32(payloads[index].frame * 3000)
            video[index].offsetMicros = Int64(payloads[index].frame) * 33_333
        }
        #expect(sawFUA && sawSTAPA)
        let audio = try CaptureFixture.Stream.opusTone(seconds: 3)
        let fixture = CaptureFixture(streams: [
            audio, CaptureFixture.Stream(media: "video", codec: "H264", clockRate: 90_000, packets: video),
        ])
        let paths = try fixture.write(to: directory, stem: "capture")
        let output = try RecordingPostProcessor.process(
            manifestPath: paths.manifest, outputDirectory: directory, stem: "rec")
        #expect(output.format == .mp4)
        #expect(output.contentType == "video/mp4")
        #expect(output.tracks == ["opus", "H264"])
        #expect(abs(output.durationSeconds - 3) <= 0.1, "duration \(output.durationSeconds)")
        let probe = try MediaTools.probe(output.path)
        #expect(probe.formatName.contains("mp4"))
        #expect(probe.codecs == ["opus", "h264"])
        #expect(probe.widths == [320])
        #expect(abs(probe.duration - 3) <= 0.2, "ffprobe duration \(probe.duration)")
        #expect(try MediaTools.decodeErrors(output.path) == "")
    }
}
