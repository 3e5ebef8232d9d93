import Testing
@testable import ParleyWire

/// Transport-wide feedback run-length chunks turn 2 bytes into up to 8191 statuses; a compound must not turn a
/// datagram into millions of them.
@Suite("RTCP parsing stays linear in its input")
struct RTCPBoundsTests {
    /// A TWCC packet that declares 65535 statuses, all "not received", in 9 run-length chunks (40 bytes).
    var maximalFeedback: [UInt8] {
        var writer = ByteWriter()
        writer.write(UInt8(0x80 | RTCPTransportWideFeedback.format))
        writer.write(RTCPPacketType.transportFeedback)
        writer.write(UInt16(9)) // 10 words after the header
        writer.write(UInt32(1)) // sender SSRC
        writer.write(UInt32(2)) // media SSRC
        writer.write(UInt16(0)) // base sequence
        writer.write(UInt16(0xFFFF)) // status count
        writer.writeUInt24(0)
        writer.write(UInt8(0))
        for _ in 0..<8 { writer.write(UInt16(0x1FFF)) } // 8 × 8191 = 65528
        writer.write(UInt16(7))
        writer.write(UInt16(0)) // padding to the word boundary
        return writer.bytes
    }

    @Test("one packet may declare 65535 statuses; a compound may not exceed that in all")
    func statusBudget() throws {
        let one = try RTCPCompound.parse(maximalFeedback)
        guard case .transportWideFeedback(let feedback) = one.first else {
            Issue.record("not decoded as transport-wide feedback: \(one)")
            return
        }
        #expect(feedback.packets.count == 65_535)
        let many = Array(Array(repeating: maximalFeedback, count: 30).joined())
        #expect(throws: RTCPParseError.malformed(packetType: RTCPPacketType.transportFeedback)) {
            try RTCPCompound.parse(many)
        }
    }

    @Test("a run longer than the declared count adds only the statuses still expected")
    func runIsClipped() {
        var symbols: [UInt8] = [1, 1]
        RTCPTransportWideFeedback.appendSymbols(of: 0x1FFF, to: &symbols, limit: 10)
        #expect(symbols.count == 10)
    }
}
