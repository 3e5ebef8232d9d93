import Fixtures
import Foundation
import ParleyWire
import Testing

@testable import ParleyConformance

/// `parley-conform replay` RTP half without a network: stream discovery on built captures, the rewrite math
/// (wrap-around included), the schedule and drift statistics, and the forwarded-packet matching.
@Suite("replay RTP")
struct RTPReplayTests {
    @Test("an Opus-like stream and a 90 kHz stream are found by heuristics; RTCP and noise are not streams")
    func discoversStreams() throws {
        var capture = RTPCaptureBuilder()
        capture.addStream(ssrc: 0x1111_1111, payloadType: 111, count: 100)
        capture.addStream(
            ssrc: 0x2222_2222, payloadType: 96, count: 60, interval: 33_000, step: 2_970, sourcePort: 40_002)
        capture.addStream(ssrc: 0x3333_3333, payloadType: 0, count: 50, step: 160, sourcePort: 40_004)
        // RTCP SR (PT 200, RFC 3550 §6.4.1) on the audio flow, and five stray RTP-looking datagrams.
        for index in 0..<10 {
            capture.add(
                [0x80, 200, 0, 6] + [UInt8](repeating: 1, count: 24), at: 1_700_000_000_000_000 + Int64(index) * 500_000
            )
        }
        for index in 0..<5 {
            capture.add(
                RTPPacket(payloadType: 111, sequenceNumber: 1, timestamp: 1, ssrc: 0x4444_4444).encode(),
                at: 1_700_000_000_000_000 + Int64(index), sourcePort: 40_006)
        }
        let result = RTPStreamDiscovery().discover(capture.sorted)
        #expect(result.streams.map(\.ssrc) == [0x1111_1111, 0x2222_2222, 0x3333_3333])
        let opus = try #require(result.streams.first)
        #expect(opus.clockRate == 48_000 && opus.codec == "opus" && opus.kind == .audio)
        #expect(opus.clockRateSource == .timing && opus.packets.count == 100)
        #expect(result.streams[1].clockRate == 90_000 && result.streams[1].kind == .video)
        #expect(result.streams[2].clockRate == 8_000 && result.streams[2].codec == "PCMU")
        #expect(result.streams[2].clockRateSource == .staticPayloadType)
        #expect(result.notes.contains { $0.contains("10 RTCP packets excluded") })
        #expect(result.notes.contains { $0.contains("44444444") && $0.contains("fewer than 8") })
    }

    @Test("shuffled sequence numbers are not RTP; capture loss keeps a stream; DTLS on the flow marks it encrypted")
    func rejectsAndMarks() {
        var capture = RTPCaptureBuilder()
        var random = SeededGenerator(seed: 7)
        for index in 0..<40 {
            let packet = RTPPacket(
                payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: random.next()),
                timestamp: UInt32(index) * 960,
                ssrc: 0x5555_5555, payload: [1, 2, 3])
            capture.add(packet.encode(), at: 1_700_000_000_000_000 + Int64(index) * 20_000, sourcePort: 41_000)
        }
        capture.addStream(ssrc: 0x6666_6666, payloadType: 111, count: 50, missing: [10, 11, 30])
        // A DTLS record (content type 22, RFC 6347 §4.1) on the second flow: the RTP after it is SRTP.
        capture.addStream(ssrc: 0x7777_7777, payloadType: 111, count: 20, sourcePort: 42_000)
        capture.add([22, 0xfe, 0xfd] + [UInt8](repeating: 0, count: 20), at: 1_699_999_999_000_000, sourcePort: 42_000)
        let result = RTPStreamDiscovery().discover(capture.sorted)
        #expect(result.streams.map(\.ssrc) == [0x6666_6666, 0x7777_7777])
        #expect(result.streams[0].packets.count == 47 && result.streams[0].unreplayableReason == nil)
        #expect(result.streams[1].unreplayableReason?.hasPrefix("cannot: encrypted, no keys") == true)
        #expect(result.notes.contains { $0.contains("55555555") && $0.contains("not RTP") })
    }

    @Test("the rewrite keeps steps across the 16-bit sequence and 32-bit timestamp wrap and rescales clocks")
    func rewriteMath() throws {
        let rewriter = RTPStreamRewriter(
            ssrc: 0xABCD_EF01, payloadType: 111, firstCapturedSequence: 65_530, firstSequence: 10,
            firstCapturedTimestamp: 0xFFFF_FF00, firstTimestamp: 0xFFFF_FFF0, capturedClockRate: 48_000,
            negotiatedClockRate: 48_000)
        #expect(rewriter.sequenceNumber(for: 65_530) == 10)
        #expect(rewriter.sequenceNumber(for: 65_535) == 15)
        #expect(rewriter.sequenceNumber(for: 3) == 19) // the captured sequence wrapped: 65530 → 3 is 9 steps
        #expect(rewriter.timestamp(for: 0xFFFF_FF00) == 0xFFFF_FFF0)
        #expect(rewriter.timestamp(for: 0x0000_0100) == 0x0000_01F0) // captured wrap, new wrap: +0x200
        #expect(rewriter.timestamp(for: 0xFFFF_FE00) == 0xFFFF_FEF0) // a step back survives
        let narrow = RTPStreamRewriter(
            ssrc: 1, payloadType: 111, firstCapturedSequence: 0, firstSequence: 0, firstCapturedTimestamp: 1_000,
            firstTimestamp: 0, capturedClockRate: 8_000, negotiatedClockRate: 48_000)
        #expect(narrow.timestamp(for: 1_160) == 960) // 20 ms at 8 kHz is 20 ms at 48 kHz

        let captured = RTPPacket(
            marker: true, payloadType: 100, sequenceNumber: 65_535, timestamp: 0xFFFF_FF00, ssrc: 0x1234_5678,
            headerExtension: RTPHeaderExtension(elements: [
                RTPExtensionElement(id: 1, data: [0xAA]), RTPExtensionElement(id: 3, data: [1, 2, 3]),
            ]), payload: [9, 8, 7, 6])
        let out = try RTPPacket.parse(try #require(rewriter.rewrite(captured.encode())))
        #expect(out.ssrc == 0xABCD_EF01 && out.payloadType == 111 && out.marker)
        #expect(out.sequenceNumber == 15 && out.timestamp == 0xFFFF_FFF0 && out.payload == [9, 8, 7, 6])
        #expect(out.headerExtension == nil) // nothing negotiated: every element goes

        var mapped = rewriter
        mapped.extensionIDs = RTPStreamRewriter.extensionMap(
            captured: [1: "urn:ietf:params:rtp-hdrext:ssrc-audio-level", 3: "urn:ietf:params:rtp-hdrext:sdes:mid"],
            negotiated: ["urn:ietf:params:rtp-hdrext:sdes:mid": 9])
        let renumbered = try RTPPacket.parse(try #require(mapped.rewrite(captured.encode())))
        #expect(renumbered.extensionElements == [RTPExtensionElement(id: 9, data: [1, 2, 3])])
        #expect(renumbered.payload == [9, 8, 7, 6])
        #expect(rewriter.rewrite([0x80, 111, 0]) == nil)
    }

    @Test("the schedule is cumulative from the first capture time, scaled by speed, never stepping back")
    func schedule() {
        let base: Int64 = 1_700_000_000_000_000
        let schedule = ReplaySchedule(
            capturedAt: [base, base + 20_000, base + 40_000, base + 30_000, base + 1_000_000], speed: 2)
        #expect(schedule.dueOffsets == [0, 10_000_000, 20_000_000, 20_000_000, 500_000_000])
        #expect(ReplaySchedule(capturedAt: [], speed: 1).count == 0)
        let drift = DriftStatistics(driftNanoseconds: (1...100).map { UInt64($0) * 10_000 })
        #expect(drift.p50Ms == 0.5 && drift.p99Ms == 0.99 && drift.maxMs == 1.0 && drift.samples == 100)
    }

    @Test("forwarded packets: repeated payloads, loss runs, duplicates, reordering and foreign payloads are counted")
    func forwardedMatching() {
        let prints: [UInt64] = [1, 2, 3, 2, 5, 6, 7, 8]
        var tracker = ForwardedPacketTracker(payloadFingerprints: prints)
        for value: UInt64 in [1, 2, 3, 2, 6, 5, 6, 99] { tracker.record(fingerprint: value, arrival: 1) }
        #expect(tracker.forwarded == 6 && tracker.sent == 8)
        #expect(tracker.reordered == 1) // 5 after 6
        #expect(tracker.duplicates == 1) // the second 6
        #expect(tracker.foreign == 1)
        #expect(tracker.gaps == [6..<8])
        var whole = ForwardedPacketTracker(payloadFingerprints: prints)
        for value in prints { whole.record(fingerprint: value, arrival: 1) }
        #expect(whole.forwarded == 8 && whole.gaps.isEmpty && whole.reordered == 0 && whole.duplicates == 0)
    }

    @Test("a written capture loads through libpcap; a damaged one keeps its records with a note; garbage is an error")
    func loadsCaptures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var capture = RTPCaptureBuilder()
        capture.addStream(ssrc: 0x1111_1111, payloadType: 111, count: 30)
        let path = directory.appendingPathComponent("opus.pcap").path
        try capture.write(to: path)
        let loaded = try ReplayCapture.load(path: path)
        #expect(loaded.records.count == 30 && loaded.discovery.streams.count == 1)

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = directory.appendingPathComponent("cut.pcap").path
        try bytes.prefix(bytes.count - 30).write(to: URL(fileURLWithPath: truncated))
        let partial = try ReplayCapture.load(path: truncated)
        #expect(partial.records.count == 29)
        #expect(partial.discovery.notes.contains { $0.contains("damaged after record 29") })

        let garbage = directory.appendingPathComponent("garbage.pcap").path
        try Data("not a capture at all, just text".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: PcapError.self) { try ReplayCapture.load(path: garbage) }
    }

    @Test("sessions: one audio and one video per flow, copies on their own paths, encrypted streams left out")
    func sessionLayout() {
        func stream(_ index: Int, _ kind: ReplayMediaKind, key: String, encrypted: Bool = false) -> ReplayStream {
            ReplayStream(
                index: index, ssrc: UInt32(index), payloadType: 111, clockRate: 48_000, clockRateSource: .timing,
                kind: kind, codec: "opus",
                flow: CapturedFlow(source: RTPCaptureBuilder.publisher, destination: RTPCaptureBuilder.server),
                packets: [], unreplayableReason: encrypted ? "DTLS" : nil, sessionKey: key)
        }
        let streams = [
            stream(1, .audio, key: "a"), stream(2, .video, key: "a"), stream(3, .audio, key: "a"),
            stream(4, .audio, key: "b", encrypted: true),
        ]
        let one = RTPReplayRun.sessions(for: streams, copies: 1, basePath: "p")
        #expect(one.map(\.streamPath) == ["p-1", "p-2"])
        #expect(one[0].audio == 0 && one[0].video == 1 && one[1].audio == 2 && one[1].video == nil)
        let single = RTPReplayRun.sessions(for: [streams[0]], copies: 1, basePath: "p")
        #expect(single.map(\.streamPath) == ["p"])
        let copies = RTPReplayRun.sessions(for: [streams[0]], copies: 3, basePath: "p")
        #expect(copies.map(\.streamPath) == ["p-1", "p-2", "p-3"] && copies.map(\.copy) == [0, 1, 2])
    }

    @Test("SRTP captures: an SDES-style key decrypts them (RFC 3711), a wrong key leaves them unreplayable")
    func decryptsWithKeys() throws {
        let keyBytes = (0..<30).map { UInt8($0 &* 7 &+ 3) }
        let key = try SRTPCaptureKey(argument: "inline:" + Data(keyBytes).base64EncodedString() + "|2^31")
        #expect(key.profileID == 1 && key.keyAndSalt == keyBytes)
        #expect(throws: SRTPCaptureKey.Invalid.self) {
            try SRTPCaptureKey(argument: "AEAD_AES_128_GCM:" + Data(keyBytes).base64EncodedString())
        }
        #expect(throws: SRTPCaptureKey.Invalid.self) { try SRTPCaptureKey(argument: "not base64 at all!") }

        let sender = try key.session()
        var capture = RTPCaptureBuilder()
        var plain: [[UInt8]] = []
        for index in 0..<20 {
            let packet = RTPPacket(
                payloadType: 111, sequenceNumber: 500 &+ UInt16(index), timestamp: 960 * UInt32(index),
                ssrc: 0x0BAD_CAFE,
                payload: (0..<50).map { UInt8(truncatingIfNeeded: $0 &+ index) })
            plain.append(packet.encode())
            capture.add(try sender.protectRTP(packet.encode()), at: 1_700_000_000_000_000 + Int64(index) * 20_000)
        }
        capture.add([22, 0xfe, 0xfd] + [UInt8](repeating: 0, count: 20), at: 1_699_999_999_000_000)
        var found = RTPStreamDiscovery().discover(capture.sorted)
        #expect(found.streams.first?.unreplayableReason?.hasPrefix("cannot: encrypted, no keys") == true)
        var wrong = found
        wrong.decrypt(with: [try SRTPCaptureKey(argument: Data([UInt8](repeating: 1, count: 30)).base64EncodedString())]
        )
        #expect(wrong.streams[0].unreplayableReason?.contains("none of the 1 keys") == true)
        found.decrypt(with: [
            try SRTPCaptureKey(argument: Data([UInt8](repeating: 1, count: 30)).base64EncodedString()), key,
        ])
        #expect(found.streams[0].unreplayableReason == nil)
        #expect(found.streams[0].packets.map(\.bytes) == plain)
        #expect(found.notes.contains { $0.contains("decrypted with --srtp-key #2, 20 packets") })
    }
}
