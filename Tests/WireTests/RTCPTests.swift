import Fixtures
import Testing
@testable import ParleyWire

@Suite("RTCP compound packets")
struct RTCPTests {
    /// SR (RC=1) from SSRC 0x11111111 + SDES CNAME "ab" — RFC 3550 §6.4.1 and §6.5 layouts written out by hand.
    static let senderReportAndSDES = hexBytes(
        """
        81 C8 00 0C 11 11 11 11
        E5 00 00 00 80 00 00 00 00 00 03 C0 00 00 00 0A 00 00 04 B0
        22 22 22 22 05 FF FF FE 00 01 00 10 00 00 00 20 12 34 56 78 00 01 00 00
        81 CA 00 03 11 11 11 11 01 02 61 62 00 00 00 00
        """)

    @Test("SR with a report block and SDES CNAME decode field by field; the cumulative loss is sign-extended")
    func senderReportAndSDES() throws {
        let packets = try RTCPCompound.parse(Self.senderReportAndSDES)
        #expect(packets.count == 2)
        guard case .senderReport(let sr) = packets[0], case .sourceDescription(let sdes) = packets[1] else {
            Issue.record("unexpected packets \(packets)")
            return
        }
        #expect(sr.ssrc == 0x1111_1111)
        #expect(sr.ntpTimestamp == 0xE500_0000_8000_0000)
        #expect(sr.rtpTimestamp == 960)
        #expect(sr.packetCount == 10)
        #expect(sr.octetCount == 1200)
        #expect(
            sr.reports == [
                RTCPReportBlock(
                    ssrc: 0x2222_2222, fractionLost: 5, cumulativeLost: -2,
                    extendedHighestSequence: 0x10010, jitter: 32, lastSenderReport: 0x1234_5678,
                    delaySinceLastSenderReport: 65536)
            ])
        #expect(sdes.chunks.first?.cname == "ab")
        #expect(RTCPCompound.serialize(packets) == Self.senderReportAndSDES)
    }

    @Test("RR, SDES and BYE with reason round-trip through serialize and parse")
    func roundTrips() throws {
        let packets: [RTCPPacket] = [
            .receiverReport(
                RTCPReceiverReport(
                    ssrc: 1,
                    reports: [
                        RTCPReportBlock(ssrc: 2, fractionLost: 25, cumulativeLost: 7),
                        RTCPReportBlock(ssrc: 3, cumulativeLost: 0x7F_FFFF),
                    ])),
            .sourceDescription(
                RTCPSourceDescription(chunks: [
                    .init(source: 1, items: [.cname("{f1b2c3d4}")]),
                    .init(source: 9, items: [.cname("x"), .init(type: 6, value: Array("parley".utf8))]),
                ])),
            .goodbye(RTCPGoodbye(sources: [1, 9], reason: "bye")),
            .goodbye(RTCPGoodbye(sources: [5])),
        ]
        let bytes = RTCPCompound.serialize(packets)
        #expect(bytes.count % 4 == 0)
        #expect(try RTCPCompound.parse(bytes) == packets)
    }

    @Test("Generic NACK FCI 100/0b101 means packets 100, 101 and 103 were lost")
    func nackDecoding() throws {
        let bytes = hexBytes("81 CD 00 03 00 00 00 01 00 00 00 02 00 64 00 05")
        let packets = try RTCPCompound.parse(bytes)
        guard case .genericNACK(let nack) = packets.first else {
            Issue.record("not a NACK")
            return
        }
        #expect(nack.senderSSRC == 1 && nack.mediaSSRC == 2)
        #expect(nack.lostSequenceNumbers == [100, 101, 103])
        #expect(RTCPCompound.serialize(packets) == bytes)
    }

    @Test("NACK built from lost sequence numbers packs bitmasks, wraps at 65535 and starts new pairs past 16")
    func nackEncoding() {
        let nack = RTCPGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [100, 101, 103, 116, 117, 200])
        #expect(
            nack.pairs == [
                .init(packetID: 100, lostBitmask: 0b1000_0000_0000_0101), .init(packetID: 117, lostBitmask: 0),
                .init(packetID: 200, lostBitmask: 0),
            ])
        #expect(nack.lostSequenceNumbers == [100, 101, 103, 116, 117, 200])
        let wrapped = RTCPGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [65534, 65535, 0, 1])
        #expect(wrapped.pairs == [.init(packetID: 65534, lostBitmask: 0b111)])
        #expect(wrapped.lostSequenceNumbers == [65534, 65535, 0, 1])
    }

    @Test("PLI and FIR decode from hand-built bytes and re-serialize identically")
    func pliAndFIR() throws {
        let pli = hexBytes("81 CE 00 02 00 00 00 0A 00 00 00 0B")
        #expect(try RTCPCompound.parse(pli) == [.pictureLossIndication(.init(senderSSRC: 10, mediaSSRC: 11))])
        let fir = hexBytes("84 CE 00 04 00 00 00 0A 00 00 00 00 00 00 00 0B 07 00 00 00")
        let parsed = try RTCPCompound.parse(fir)
        #expect(parsed == [.fullIntraRequest(.init(senderSSRC: 10, entries: [.init(ssrc: 11, sequenceNumber: 7)]))])
        #expect(RTCPCompound.serialize(parsed) == fir)
        #expect(RTCPPacket.pictureLossIndication(.init(senderSSRC: 10, mediaSSRC: 11)).serialize() == pli)
    }

    @Test("REMB: 1 Mbit/s is mantissa 250000 × 2^2 and decodes back exactly")
    func remb() throws {
        let bytes = hexBytes("8F CE 00 05 00 00 00 01 00 00 00 00 52 45 4D 42 01 0B D0 90 00 00 00 2A")
        let parsed = try RTCPCompound.parse(bytes)
        #expect(parsed == [.receiverEstimatedMaximumBitrate(.init(senderSSRC: 1, bitrate: 1_000_000, ssrcs: [42]))])
        #expect(RTCPCompound.serialize(parsed) == bytes)
        // Not representable exactly: rounds down to what 18 bits of mantissa can carry.
        let odd = RTCPReceiverEstimatedMaximumBitrate(senderSSRC: 1, bitrate: 1_000_001, ssrcs: [])
        let reparsed = try RTCPCompound.parse(RTCPPacket.receiverEstimatedMaximumBitrate(odd).serialize())
        #expect(reparsed == [.receiverEstimatedMaximumBitrate(.init(senderSSRC: 1, bitrate: 1_000_000, ssrcs: []))])
    }

    /// Base 5, 7 statuses: run-length chunk (3 × small delta) then a two-bit vector (large, lost, small, lost);
    /// deltas 4, 8, 0, −4 (two bytes), 16; RTCP padding of 2.
    static let transportCC = hexBytes(
        """
        AF CD 00 07 00 00 00 01 00 00 00 02
        00 05 00 07 00 00 10 03
        20 03 E1 00
        04 08 00 FF FC 10 00 02
        """)

    @Test("transport-cc: run-length and two-bit status vector chunks and receive deltas decode")
    func transportCCDecode() throws {
        let packets = try RTCPCompound.parse(Self.transportCC)
        guard case .transportWideFeedback(let feedback) = packets.first else {
            Issue.record("not TWCC: \(packets)")
            return
        }
        #expect(feedback.baseSequenceNumber == 5)
        #expect(feedback.referenceTime == 16)
        #expect(feedback.feedbackPacketCount == 3)
        #expect(
            feedback.packets == [
                .receivedSmallDelta(4), .receivedSmallDelta(8), .receivedSmallDelta(0),
                .receivedLargeDelta(-4), .notReceived, .receivedSmallDelta(16), .notReceived,
            ])
        #expect(feedback.packets[3].deltaMicroseconds == -1000)
        #expect(try RTCPCompound.parse(RTCPCompound.serialize(packets)) == packets)
    }

    @Test("transport-cc as libwebrtc pads it: one run-length chunk, 37 ms delta, RTCP padding of 1; exact re-encode")
    func transportCCSinglePacket() throws {
        let bytes = hexBytes("AF CD 00 05 FA 17 FA 17 43 03 2F A0 00 99 00 01 3D E8 02 17 20 01 94 01")
        let packets = try RTCPCompound.parse(bytes)
        #expect(
            packets == [
                .transportWideFeedback(
                    .init(
                        senderSSRC: 4_195_875_351, mediaSSRC: 0x4303_2FA0, baseSequenceNumber: 153,
                        referenceTime: 4_057_090, feedbackPacketCount: 23,
                        packets: [.receivedSmallDelta(148)]))
            ])
        if case .transportWideFeedback(let feedback) = packets.first {
            #expect(feedback.packets.first?.deltaMicroseconds == 37000)
        }
        #expect(RTCPCompound.serialize(packets) == bytes)
    }

    @Test("transport-cc: one-bit status vectors and long runs decode and the encoder's chunks round-trip")
    func transportCCChunks() throws {
        // One-bit vector 1 0 1 1 0 0 0 0 0 0 0 0 0 1 (T=1, S=0).
        var symbols = [UInt8]()
        RTCPTransportWideFeedback.appendSymbols(of: 0b1010_1100_0000_0001, to: &symbols)
        #expect(symbols == [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        // Run of 1000 "not received".
        symbols = []
        RTCPTransportWideFeedback.appendSymbols(of: 1000, to: &symbols)
        #expect(symbols.count == 1000 && symbols.allSatisfy { $0 == 0 })

        var statuses = [RTCPTransportWideFeedback.PacketStatus](repeating: .receivedSmallDelta(1), count: 20)
        statuses += [RTCPTransportWideFeedback.PacketStatus](repeating: .notReceived, count: 1000)
        statuses += [
            .receivedSmallDelta(2), .notReceived, .receivedSmallDelta(3), .receivedLargeDelta(-300),
            .receivedLargeDelta(1000),
        ]
        let chunks = RTCPTransportWideFeedback.chunks(for: statuses.map(\.symbol))
        #expect(chunks.prefix(2) == [0x2000 | 20, 1000])
        let feedback = RTCPTransportWideFeedback(
            senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 65530, referenceTime: -5,
            feedbackPacketCount: 255, packets: statuses)
        let parsed = try RTCPCompound.parse(RTCPPacket.transportWideFeedback(feedback).serialize())
        #expect(parsed == [.transportWideFeedback(feedback)])
    }

    @Test("unknown packet types (APP, XR) and non-REMB application feedback are kept raw and re-serialized")
    func unknownPreserved() throws {
        let app = hexBytes("80 CC 00 02 00 00 00 01 41 42 43 44")
        let xr = hexBytes("80 CF 00 01 00 00 00 01")
        let afb = hexBytes("8F CE 00 03 00 00 00 01 00 00 00 00 58 59 5A 57")
        let packets = try RTCPCompound.parse(app + xr + afb)
        #expect(
            packets == [
                .unknown(.init(count: 0, packetType: 204, body: hexBytes("00 00 00 01 41 42 43 44"))),
                .unknown(.init(count: 0, packetType: 207, body: [0, 0, 0, 1])),
                .unknown(.init(count: 15, packetType: 206, body: hexBytes("00 00 00 01 00 00 00 00 58 59 5A 57"))),
            ])
        #expect(RTCPCompound.serialize(packets) == app + xr + afb)
    }

    @Test("bad version, bad padding and report counts larger than the body are rejected")
    func malformed() {
        #expect(throws: RTCPParseError.badVersion) { try RTCPCompound.parse(hexBytes("40 C9 00 01 00 00 00 01")) }
        #expect(throws: RTCPParseError.badPadding) { try RTCPCompound.parse(hexBytes("A0 C9 00 01 00 00 00 09")) }
        #expect(throws: RTCPParseError.malformed(packetType: 201)) {
            try RTCPCompound.parse(hexBytes("81 C9 00 01 00 00 00 01"))
        }
        #expect(throws: RTCPParseError.truncated) { try RTCPCompound.parse([]) }
    }

    @Test("every prefix of a compound packet that cuts a packet is rejected; whole-packet prefixes parse")
    func truncation() throws {
        let compound = Self.senderReportAndSDES + Self.transportCC
        let boundaries = [52: 1, 68: 2]
        for length in 0..<compound.count {
            let prefix = Array(compound.prefix(length))
            if let count = boundaries[length] {
                #expect(try RTCPCompound.parse(prefix).count == count)
            } else {
                #expect(throws: RTCPParseError.self) { try RTCPCompound.parse(prefix) }
            }
        }
    }

    @Test("random bodies behind valid RTCP headers never trap")
    func randomInput() {
        var random = SeededGenerator(seed: 4585)
        for _ in 0..<5000 {
            let words = random.int(below: 12)
            var bytes = random.bytes(4 + 4 * words)
            bytes[0] = 0x80 | (bytes[0] & 0x3F)
            bytes[1] = UInt8(200 + random.int(below: 8))
            bytes.setBigEndianUInt16(UInt16(words), at: 2)
            if let packets = try? RTCPCompound.parse(bytes) {
                _ = RTCPCompound.serialize(packets)
            }
        }
    }
}
