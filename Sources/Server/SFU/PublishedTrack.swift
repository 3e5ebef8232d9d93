import ParleyMedia
import ParleyWire

/// One track a WHIP publisher sends (its audio or its video section), with what the plane learns of it.
struct PublishedTrack {
    let kind: MediaKind
    /// The codec the answer accepted, with the publisher's payload type and RTX payload type.
    let codec: NegotiatedCodec
    /// The media SSRC, from the offer's a=ssrc or the first packet with the codec's payload type.
    var ssrc: UInt32?
    /// The RFC 4588 retransmission SSRC, learnt like `ssrc` from the RTX payload type.
    var rtxSSRC: UInt32?
    /// Identifies the current source for players' rewriters; a new one whenever `ssrc` is bound again.
    var sourceKey: UInt64
    var receiveStatistics: ReceiveStatistics?
    var packets: UInt64 = 0
    var bytes: UInt64 = 0
    /// Payload bits per second over the last sampling interval.
    var bitrate: UInt64 = 0
    var sampled: (bytes: UInt64, at: MediaTime)?
    /// RFC 4585 §6.3.1 PLI / RFC 5104 §4.3.1 FIR toward the publisher: when the last went out, whether one is
    /// waiting for the throttle window, and FIR's command sequence number (§4.3.1.1).
    var lastKeyframeRequest: MediaTime?
    var keyframeRequestPending = false
    var firSequence: UInt8 = 0
    var keyframeRequestsSent: UInt64 = 0
    /// Video: recent packets to answer players' NACKs from (RFC 4585 §6.2.1), and the NACKs asked upstream.
    var history: RTPPacketHistory?
    var upstreamNACKs: NACKRequestLimiter?
    /// The publisher's NTP↔RTP mapping from its last SR for this track, for players' SRs (RFC 3550 §6.4.1).
    var clockMapping: PublisherClockMapping?

    init(kind: MediaKind, codec: NegotiatedCodec, ssrc: UInt32?, sourceKey: UInt64) {
        self.kind = kind
        self.codec = codec
        self.ssrc = ssrc
        self.sourceKey = sourceKey
        if kind == .video { history = RTPPacketHistory() }
    }

    /// A new source on the track: its packets, requests and clock belong to another sequence and timestamp space.
    mutating func rebind(ssrc: UInt32, sourceKey: UInt64) {
        self.ssrc = ssrc
        self.sourceKey = sourceKey
        history?.reset()
        upstreamNACKs = nil
        clockMapping = nil
    }

    var clockRate: Int64 { Int64(codec.clockRate) }

    /// Counts a media packet and keeps the receive statistics for Receiver Reports (RFC 3550 §6.4.2).
    mutating func record(_ header: RTPHeaderView, arrival: MediaTime) {
        packets &+= 1
        bytes &+= UInt64(header.payloadRange.count)
        if receiveStatistics?.ssrc == header.ssrc {
            receiveStatistics?.record(header, arrival: arrival)
        } else {
            receiveStatistics = ReceiveStatistics(first: header, arrival: arrival, clockRate: clockRate)
        }
    }

    /// Updates `bitrate` about once per `interval`.
    mutating func sampleBitrate(now: MediaTime, interval: Duration) {
        guard let last = sampled else {
            sampled = (bytes, now)
            return
        }
        let elapsed = last.at.duration(to: now)
        guard elapsed >= interval else { return }
        let nanoseconds = max(
            1, elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        bitrate = UInt64((Double(bytes &- last.bytes) * 8 * 1e9 / Double(nanoseconds)).rounded())
        sampled = (bytes, now)
    }
}

/// What a subscriber receives on one of its tracks.
struct OutboundTrack {
    let kind: MediaKind
    /// The player's codec (its payload type and fmtp); only a publisher codec it can receive is forwarded.
    let codec: NegotiatedCodec
    var rewriter: OutboundRewriter
    /// Created on the first NACK: what was resent to this player lately, and its RTX stream (RFC 4588).
    var nackLimiter: NACKRequestLimiter?
    var rtx: RTXSender?
    /// The last source checked against `codec` and the verdict: the codec comparison runs once per source, not
    /// per packet.
    private var checkedSource: (key: UInt64, receivable: Bool)?

    /// Video: nothing is forwarded until a keyframe starts (a decoder cannot start on a delta frame), or until
    /// `keyframeWait` after the first packet was held back, should a keyframe go unrecognised.
    var awaitingKeyframe: Bool
    var awaitingSince: MediaTime?

    init(kind: MediaKind, codec: NegotiatedCodec, rewriter: OutboundRewriter) {
        self.kind = kind
        self.codec = codec
        self.rewriter = rewriter
        awaitingKeyframe = kind == .video
    }

    static let keyframeWait = Duration.seconds(2)

    /// Whether to forward a packet of `codec` with `payload` now. The keyframe check runs only while waiting and
    /// at most once per packet: `keyframe` caches `startsKeyframe()` across the players of one fan-out.
    mutating func startsOrContinues(
        keyframe: inout Bool?, now: MediaTime, startsKeyframe: () -> Bool
    ) -> Bool {
        guard awaitingKeyframe else { return true }
        let since = awaitingSince ?? now
        awaitingSince = since
        if keyframe == nil { keyframe = startsKeyframe() }
        guard keyframe == true || since + Self.keyframeWait <= now else { return false }
        awaitingKeyframe = false
        return true
    }

    /// This player's SSRC, payload type, sequence number and timestamp for `header` of `track`, the packet counted
    /// as sent; nil when the player does not get it (a codec it cannot decode, or video before a keyframe). One
    /// mutation of the player's track per packet, so the fan-out never copies it.
    mutating func rewrite(
        _ header: RTPHeaderView, of track: PublishedTrack, keyframe: inout Bool?, now: MediaTime,
        startsKeyframe: () -> Bool
    ) -> (ssrc: UInt32, payloadType: UInt8, sequence: UInt16, timestamp: UInt32)? {
        guard receives(track), startsOrContinues(keyframe: &keyframe, now: now, startsKeyframe: startsKeyframe)
        else { return nil }
        let (sequence, timestamp) = rewriter.advance(
            sequence: header.sequenceNumber, timestamp: header.timestamp,
            payloadLength: header.payloadRange.count, source: track.sourceKey, now: now)
        return (rewriter.ssrc, rewriter.payloadType, sequence, timestamp)
    }

    /// True when this player can decode `track`'s codec (a new publisher on the path may send another one).
    mutating func receives(_ track: PublishedTrack) -> Bool {
        if let checked = checkedSource, checked.key == track.sourceKey { return checked.receivable }
        let receivable = codec.canReceive(track.codec)
        checkedSource = (track.sourceKey, receivable)
        return receivable
    }
}
