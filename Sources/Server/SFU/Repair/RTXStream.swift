import ParleyWire

/// The RTP retransmission payload format (RFC 4588 §4): a retransmission travels on its own stream (SSRC
/// multiplexing, §5.3 — the RTX SSRC and the `apt=` payload type the answer declared) with its own sequence
/// numbers, and its payload is the original sequence number (OSN, 2 bytes, network order) followed by the
/// original payload.
enum RTXPayload {
    /// §4: the retransmission packet of `original`. Timestamp, marker, CSRCs and header extension are the
    /// original's; the original's padding is not carried (padding belongs to one packet, not to its payload).
    static func encapsulate(
        _ original: RTPPacket, ssrc: UInt32, payloadType: UInt8, sequenceNumber: UInt16
    ) -> RTPPacket {
        var payload = [UInt8]()
        payload.reserveCapacity(original.payload.count + 2)
        payload.append(UInt8(original.sequenceNumber >> 8))
        payload.append(UInt8(truncatingIfNeeded: original.sequenceNumber))
        payload.append(contentsOf: original.payload)
        return RTPPacket(
            marker: original.marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
            timestamp: original.timestamp, ssrc: ssrc, csrcs: original.csrcs,
            headerExtension: original.headerExtension, payload: payload)
    }

    /// §4: the original packet back from a retransmission of the stream `originalSSRC` whose `apt=` is
    /// `originalPayloadType`. Nil when the payload is too short to hold the OSN.
    static func decapsulate(_ retransmission: RTPPacket, originalSSRC: UInt32, originalPayloadType: UInt8)
        -> RTPPacket?
    {
        guard retransmission.payload.count >= 2 else { return nil }
        let osn = UInt16(retransmission.payload[0]) << 8 | UInt16(retransmission.payload[1])
        return RTPPacket(
            marker: retransmission.marker, payloadType: originalPayloadType, sequenceNumber: osn,
            timestamp: retransmission.timestamp, ssrc: originalSSRC, csrcs: retransmission.csrcs,
            headerExtension: retransmission.headerExtension, payload: Array(retransmission.payload.dropFirst(2)))
    }
}

/// One player's retransmission stream for one track: its RTX SSRC and payload type from the answer, and its own
/// sequence space (RFC 4588 §4: "the sequence number of the retransmission packet ... is independent of the
/// original stream"), starting at a random value like any RTP stream (RFC 3550 §5.1).
struct RTXSender {
    let ssrc: UInt32
    let payloadType: UInt8
    private(set) var nextSequence: UInt16
    private(set) var packetsSent: UInt32 = 0
    private(set) var octetsSent: UInt32 = 0

    init<G: RandomNumberGenerator>(ssrc: UInt32, payloadType: UInt8, using generator: inout G) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        // Below 2^15 so the receiver's SRTP rollover estimate starts far from a wrap.
        nextSequence = UInt16.random(in: 0..<0x8000, using: &generator)
    }

    /// The retransmission of `original` (already rewritten into the player's SSRC and sequence space), and the
    /// next sequence number taken.
    mutating func wrap(_ original: RTPPacket) -> RTPPacket {
        let packet = RTXPayload.encapsulate(
            original, ssrc: ssrc, payloadType: payloadType, sequenceNumber: nextSequence)
        nextSequence &+= 1
        packetsSent &+= 1
        octetsSent &+= UInt32(truncatingIfNeeded: packet.payload.count)
        return packet
    }
}
