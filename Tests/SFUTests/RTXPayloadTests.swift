import ParleyWire
import Testing
@testable import ParleySFU

@Suite("RTX (RFC 4588 §4): OSN first, the player's RTX SSRC, payload type and own sequence space")
struct RTXPayloadTests {
    let original = RTPPacket(
        marker: true, payloadType: 96, sequenceNumber: 0xBEEF, timestamp: 123_456, ssrc: 0x1111_2222,
        csrcs: [7], payload: [1, 2, 3, 4], paddingLength: 4)

    @Test("§4: the payload is the OSN in network order then the original payload; ts, marker, CSRCs kept")
    func encapsulate() throws {
        let rtx = RTXPayload.encapsulate(original, ssrc: 0x3333_4444, payloadType: 97, sequenceNumber: 5)
        #expect(rtx.payload == [0xBE, 0xEF, 1, 2, 3, 4])
        #expect(rtx.ssrc == 0x3333_4444)
        #expect(rtx.payloadType == 97)
        #expect(rtx.sequenceNumber == 5)
        #expect(rtx.timestamp == 123_456)
        #expect(rtx.marker)
        #expect(rtx.csrcs == [7])
        // The original's padding is not part of its payload and is not carried.
        #expect(rtx.paddingLength == 0)
        let wire = try RTPPacket.parse(rtx.encode())
        #expect(wire == rtx)
    }

    @Test("decapsulation restores the original stream's packet (padding aside)")
    func roundTrip() throws {
        let rtx = RTXPayload.encapsulate(original, ssrc: 9, payloadType: 97, sequenceNumber: 0xFFFF)
        let restored = try #require(RTXPayload.decapsulate(rtx, originalSSRC: 0x1111_2222, originalPayloadType: 96))
        var expected = original
        expected.paddingLength = 0
        #expect(restored == expected)
    }

    @Test("a retransmission too short to hold the OSN is refused; an empty original payload is OSN only")
    func truncation() {
        let short = RTPPacket(payloadType: 97, sequenceNumber: 1, timestamp: 0, ssrc: 9, payload: [0xAB])
        #expect(RTXPayload.decapsulate(short, originalSSRC: 1, originalPayloadType: 96) == nil)
        var empty = original
        empty.payload = []
        let rtx = RTXPayload.encapsulate(empty, ssrc: 9, payloadType: 97, sequenceNumber: 1)
        #expect(rtx.payload == [0xBE, 0xEF])
        #expect(RTXPayload.decapsulate(rtx, originalSSRC: 1, originalPayloadType: 96)?.payload == [])
    }

    @Test("the sender numbers its retransmissions on its own, consecutively, wrapping at 2^16")
    func ownSequenceSpace() {
        var generator = SystemRandomNumberGenerator()
        var sender = RTXSender(ssrc: 42, payloadType: 97, using: &generator)
        #expect(sender.nextSequence < 0x8000)
        let first = sender.wrap(original)
        let second = sender.wrap(original)
        #expect(second.sequenceNumber == first.sequenceNumber &+ 1)
        #expect(first.ssrc == 42 && second.payloadType == 97)
        #expect(sender.packetsSent == 2)
        #expect(sender.octetsSent == 12)
        var wrapped = RTXSender(ssrc: 42, payloadType: 97, using: &generator)
        while wrapped.nextSequence != 0xFFFF { _ = wrapped.wrap(original) }
        #expect(wrapped.wrap(original).sequenceNumber == 0xFFFF)
        #expect(wrapped.nextSequence == 0)
    }
}
