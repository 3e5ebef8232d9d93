import ParleyMedia
import ParleyWire

/// Per-subscriber RTP translation (mediasoup's SeqManager, LiveKit's rtpmunger): the subscriber sees one SSRC,
/// the payload type it offered, and sequence numbers / timestamps that start at random values (RFC 3550 §5.1)
/// and keep the publisher's gaps and order, so loss and reordering stay visible to the receiver's jitter buffer.
struct OutboundRewriter {
    let ssrc: UInt32
    let payloadType: UInt8
    private let initialSequence: UInt16
    private let initialTimestamp: UInt32
    private var sequenceOffset: UInt16?
    private var timestampOffset: UInt32?
    private(set) var packetsSent: UInt32 = 0
    private(set) var octetsSent: UInt32 = 0
    /// The last timestamp sent and when, for Sender Reports (RFC 3550 §6.4.1).
    private(set) var lastSent: (timestamp: UInt32, at: MediaTime)?

    init<G: RandomNumberGenerator>(ssrc: UInt32, payloadType: UInt8, using generator: inout G) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        // Below 2^15 so libsrtp's ROC estimate starts far from a wrap.
        initialSequence = UInt16.random(in: 0..<0x8000, using: &generator)
        initialTimestamp = UInt32.random(in: 0...UInt32.max, using: &generator)
    }

    /// The rewritten packet: header extensions are dropped (none are negotiated in the answer), CSRCs kept.
    mutating func rewrite(_ packet: RTPPacket, now: MediaTime) -> [UInt8] {
        let seqOffset = sequenceOffset ?? (initialSequence &- packet.sequenceNumber)
        let tsOffset = timestampOffset ?? (initialTimestamp &- packet.timestamp)
        sequenceOffset = seqOffset
        timestampOffset = tsOffset
        var out = packet
        out.ssrc = ssrc
        out.payloadType = payloadType
        out.sequenceNumber = packet.sequenceNumber &+ seqOffset
        out.timestamp = packet.timestamp &+ tsOffset
        out.headerExtension = nil
        packetsSent &+= 1
        octetsSent &+= UInt32(truncatingIfNeeded: out.payload.count)
        lastSent = (out.timestamp, now)
        return out.encode()
    }
}
