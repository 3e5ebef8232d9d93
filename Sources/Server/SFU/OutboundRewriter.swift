import ParleyMedia
import ParleyWire

/// Per-subscriber, per-track RTP translation (mediasoup's SeqManager, LiveKit's rtpmunger): the subscriber sees
/// one SSRC, the payload type it offered, and sequence numbers / timestamps that start at random values
/// (RFC 3550 §5.1) and keep the publisher's gaps and order, so loss and reordering stay visible to the receiver's
/// jitter buffer. When the source changes (a late publisher, a reconnect, a new publisher on the path) the
/// offsets are re-based: the next sequence number follows the last one sent (+1) and the timestamp moves forward
/// by the wall-clock time since the last packet, so the player sees neither loss nor a jump back (§5.1: the
/// timestamp "increments monotonically and linearly in time").
struct OutboundRewriter {
    let ssrc: UInt32
    let payloadType: UInt8
    /// The track's RTP clock (48 kHz Opus, 90 kHz video), for timestamps across a source change and for SRs.
    let clockRate: Int64
    /// RFC 4588 retransmission stream toward this player, when it offered RTX (for loss repair).
    let rtxSSRC: UInt32?
    let rtxPayloadType: UInt8?
    private let initialSequence: UInt16
    private let initialTimestamp: UInt32
    /// The publisher track the offsets belong to (``PublishedTrack/sourceKey``); nil before the first packet.
    private(set) var source: UInt64?
    private(set) var sequenceOffset: UInt16 = 0
    private(set) var timestampOffset: UInt32 = 0
    private(set) var packetsSent: UInt32 = 0
    private(set) var octetsSent: UInt32 = 0
    /// The newest packet sent (highest sequence, RFC 1982 serial order) and when, for SRs (RFC 3550 §6.4.1) and
    /// for re-basing.
    private(set) var lastSent: (sequence: UInt16, timestamp: UInt32, at: MediaTime)?

    init<G: RandomNumberGenerator>(
        ssrc: UInt32, payloadType: UInt8, clockRate: Int64 = 48_000, rtxSSRC: UInt32? = nil,
        rtxPayloadType: UInt8? = nil, using generator: inout G
    ) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.rtxSSRC = rtxSSRC
        self.rtxPayloadType = rtxPayloadType
        // Below 2^15 so libsrtp's ROC estimate starts far from a wrap.
        initialSequence = UInt16.random(in: 0..<0x8000, using: &generator)
        initialTimestamp = UInt32.random(in: 0...UInt32.max, using: &generator)
    }

    /// Counts one packet of `source` as sent and gives its sequence number and timestamp in this player's space
    /// (re-basing first when the source changed). The forwarding path writes the packet itself
    /// (`RTPHeaderView.writeTranslated`); header extensions are dropped (none are negotiated in the answer).
    mutating func advance(
        sequence: UInt16, timestamp: UInt32, payloadLength: Int, source key: UInt64, now: MediaTime
    ) -> (sequence: UInt16, timestamp: UInt32) {
        if source != key { rebase(sequence: sequence, timestamp: timestamp, source: key, now: now) }
        let outSequence = sequence &+ sequenceOffset
        let outTimestamp = timestamp &+ timestampOffset
        packetsSent &+= 1
        octetsSent &+= UInt32(truncatingIfNeeded: payloadLength)
        if let last = lastSent {
            let step = outSequence &- last.sequence
            if step != 0, step < 0x8000 { lastSent = (outSequence, outTimestamp, now) }
        } else {
            lastSent = (outSequence, outTimestamp, now)
        }
        return (outSequence, outTimestamp)
    }

    /// `packet` in this player's SSRC, payload type, sequence and timestamp space, with the current offsets and
    /// nothing counted (a retransmission of a packet already sent).
    func translated(_ packet: RTPPacket) -> RTPPacket {
        var out = packet
        out.ssrc = ssrc
        out.payloadType = payloadType
        out.sequenceNumber = packet.sequenceNumber &+ sequenceOffset
        out.timestamp = packet.timestamp &+ timestampOffset
        out.headerExtension = nil
        return out
    }

    /// The player-side sequence number of a source sequence number (for NACK answers), and back.
    func outgoingSequence(_ sourceSequence: UInt16) -> UInt16 { sourceSequence &+ sequenceOffset }
    func sourceSequence(_ outgoingSequence: UInt16) -> UInt16 { outgoingSequence &- sequenceOffset }

    private mutating func rebase(sequence: UInt16, timestamp: UInt32, source key: UInt64, now: MediaTime) {
        source = key
        guard let last = lastSent else {
            sequenceOffset = initialSequence &- sequence
            timestampOffset = initialTimestamp &- timestamp
            return
        }
        sequenceOffset = (last.sequence &+ 1) &- sequence
        // At least one tick forward, so the new source's first frame is never read as a repeat of the last.
        let ticks = max(1, Self.ticks(last.at.duration(to: now), clockRate: clockRate))
        timestampOffset = (last.timestamp &+ UInt32(truncatingIfNeeded: ticks)) &- timestamp
    }

    /// `duration` in RTP ticks at `clockRate` (negative durations count as zero).
    static func ticks(_ duration: Duration, clockRate: Int64) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let whole = seconds.multipliedReportingOverflow(by: clockRate)
        guard !whole.overflow, seconds < Int64(UInt32.max) else { return Int64(UInt32.max) }
        return whole.partialValue + attoseconds / 1_000_000_000 * clockRate / 1_000_000_000
    }
}
