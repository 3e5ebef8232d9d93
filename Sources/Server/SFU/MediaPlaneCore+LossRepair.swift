import ParleyMedia
import ParleyWire

/// Loss repair (docs/architecture.md §The media plane): a player's generic NACK (RFC 4585 §6.2.1) is answered
/// from the publisher track's packet history — as RTX (RFC 4588) when the player negotiated it, else as the same
/// packet again (libsrtp's allow_repeat_tx permits the repeat, docs/interop.md §4) — and what the history does not
/// hold is asked of the publisher, in its own sequence space, once per round trip per packet. The publisher's
/// retransmissions come back like any packet of the track (RTX unwrapped) and are forwarded to every player, since
/// a packet lost on the uplink is missing for all of them.
extension MediaPlaneCore {
    /// Sequence numbers of one NACK acted on: an MTU-sized NACK can list thousands.
    static let maxNACKSequences = 256

    /// A player's NACK for one of the tracks this server sends it.
    func receivedNACK(_ nack: RTCPGenericNACK, from player: SFUSession, now: MediaTime) {
        guard player.kind == .subscriber,
            let out = player.outboundTracks.firstIndex(where: { $0.rewriter.ssrc == nack.mediaSSRC }),
            let publisher = publisherByPath[player.path].flatMap({ sessions[$0] }),
            let track = publisher.publishedTracks.firstIndex(where: { $0.kind == player.outboundTracks[out].kind })
        else { return }
        let metrics = player.pathMetrics
        let lost = nack.lostSequenceNumbers.prefix(Self.maxNACKSequences)
        metrics?.nacksReceived.increment(by: Int64(lost.count))
        // A NACK about packets of an earlier source (before a re-base) cannot be answered from this history.
        guard player.outboundTracks[out].rewriter.source == publisher.publishedTracks[track].sourceKey else { return }
        var limiter = player.outboundTracks[out].nackLimiter ?? NACKRequestLimiter()
        let admitted = limiter.admit(
            Array(lost), interval: NACKRequestLimiter.retryInterval(roundTrip: player.roundTrip.smoothed), now: now)
        player.outboundTracks[out].nackLimiter = limiter
        var upstream: [UInt16] = []
        for sequence in admitted {
            let source = player.outboundTracks[out].rewriter.sourceSequence(sequence)
            guard let stored = publisher.publishedTracks[track].history?.packet(sequence: source, now: now),
                let original = try? RTPPacket.parse(stored)
            else {
                upstream.append(source)
                continue
            }
            let resent = retransmission(of: original, on: out, of: player)
            guard player.peer.send(rtp: resent) else { continue }
            metrics?.nacksAnsweredFromCache.increment()
            metrics?.retransmissions.increment()
            metrics?.packetsOut.increment()
            metrics?.bytesOut.increment(by: Int64(resent.count))
        }
        drain(player)
        if !upstream.isEmpty { requestRetransmission(upstream, publisher: publisher, track: track, now: now) }
    }

    /// The bytes that resend `original` (a publisher packet) to `player` on its outbound track `index`: rewritten
    /// into the player's SSRC, sequence and timestamp space, then wrapped as RTX when the player offered it.
    func retransmission(of original: RTPPacket, on index: Int, of player: SFUSession) -> [UInt8] {
        let rewritten = player.outboundTracks[index].rewriter.translated(original)
        let rewriter = player.outboundTracks[index].rewriter
        guard let rtxSSRC = rewriter.rtxSSRC, let rtxPayloadType = rewriter.rtxPayloadType else {
            return rewritten.encode()
        }
        var sender =
            player.outboundTracks[index].rtx ?? RTXSender(ssrc: rtxSSRC, payloadType: rtxPayloadType, using: &random)
        let packet = sender.wrap(rewritten)
        player.outboundTracks[index].rtx = sender
        return packet.encode()
    }

    /// Asks the publisher for packets of `track` (its sequence numbers) that no history holds, each at most once
    /// per retry interval, when the publisher negotiated NACK for the track (RFC 4585 §4.2).
    func requestRetransmission(_ sequences: [UInt16], publisher: SFUSession, track index: Int, now: MediaTime) {
        let track = publisher.publishedTracks[index]
        guard publisher.peer.isConnected, track.codec.hasFeedback("nack"), let ssrc = track.ssrc else { return }
        var limiter = track.upstreamNACKs ?? NACKRequestLimiter()
        let admitted = limiter.admit(
            sequences, interval: NACKRequestLimiter.retryInterval(roundTrip: nil), now: now)
        publisher.publishedTracks[index].upstreamNACKs = limiter
        guard !admitted.isEmpty else { return }
        publisher.pathMetrics?.nacksSentUpstream.increment(by: Int64(admitted.count))
        // RFC 4585 §3.1 compound form (RR, SDES, feedback): valid whether or not reduced size was negotiated.
        publisher.peer.send(
            rtcp: RTCPCompound.serialize([
                .receiverReport(RTCPReceiverReport(ssrc: publisher.reporterSSRC, reports: [])),
                .sourceDescription(
                    RTCPSourceDescription(chunks: [
                        .init(source: publisher.reporterSSRC, items: [.cname(publisher.cname)])
                    ])),
                .genericNACK(
                    RTCPGenericNACK(
                        senderSSRC: publisher.reporterSSRC, mediaSSRC: ssrc, lostSequenceNumbers: admitted)),
            ]))
        drain(publisher)
    }
}

extension MediaPlaneCore {
    /// Gaps wider than this are not asked for: a burst that large is a restart or an outage, for a keyframe to fix.
    static let maxUplinkGap: Int64 = 64

    /// Whether a retransmission of `sequence` repairs a packet the track is missing: not newer than the newest
    /// packet received (RFC 4588 §4 resends packets already sent) and not already in the history.
    func isRepair(_ sequence: UInt16, of track: PublishedTrack, now: MediaTime) -> Bool {
        guard let history = track.history else { return true }
        guard let highest = history.highest, history.extend(sequence) < highest else { return false }
        return history.packet(sequence: sequence, now: now) == nil
    }

    /// This server is the uplink's receiver (RFC 4585 §3.1): a packet that skips sequence numbers of a track with
    /// a history makes it ask the publisher for the skipped ones at once, before the players notice, so the repair
    /// is on its way by the time their NACKs arrive (and those find it in the history).
    func detectUplinkLoss(_ sequence: UInt16, publisher: SFUSession, track index: Int, now: MediaTime) {
        guard let history = publisher.publishedTracks[index].history, let highest = history.highest else { return }
        let gap = history.extend(sequence) - highest - 1
        guard gap > 0, gap <= Self.maxUplinkGap else { return }
        let missing = (1...gap).map { UInt16(truncatingIfNeeded: highest + $0) }
        requestRetransmission(missing, publisher: publisher, track: index, now: now)
    }
}
