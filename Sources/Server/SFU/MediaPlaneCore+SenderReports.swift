import ParleyMedia
import ParleyWire

/// Sender Reports to players (RFC 3550 §6.4.1), one per track sent. When the publisher's own SR for the track is
/// known, the player's SR carries the publisher's NTP↔RTP mapping moved into the player's timestamp space, so a
/// receiver lines up audio and video as the publisher captured them (``PublisherClockMapping``); until then it
/// states the server's clock against the newest timestamp sent. Each SR sent is remembered for the RTT the
/// player's Receiver Reports measure (``RoundTripEstimator``), which paces NACK answers.
extension MediaPlaneCore {
    func senderReport(for track: OutboundTrack, of player: SFUSession, now: MediaTime) -> RTCPSenderReport? {
        let rewriter = track.rewriter
        guard let last = rewriter.lastSent else { return nil }
        var ntp = ntpTimestamp(now)
        var rtp =
            last.timestamp
            &+ UInt32(
                truncatingIfNeeded: OutboundRewriter.ticks(last.at.duration(to: now), clockRate: rewriter.clockRate))
        if let published = publisherByPath[player.path].flatMap({ sessions[$0] })?.publishedTracks.first(where: {
            $0.kind == track.kind
        }), published.sourceKey == rewriter.source, let mapping = published.clockMapping {
            (ntp, rtp) = mapping.translated(timestampOffset: rewriter.timestampOffset, at: now)
        }
        player.roundTrip.senderReportSent(ntpTimestamp: ntp, at: now)
        return RTCPSenderReport(
            ssrc: rewriter.ssrc, ntpTimestamp: ntp, rtpTimestamp: rtp, packetCount: rewriter.packetsSent,
            octetCount: rewriter.octetsSent)
    }

    /// A player's report blocks about the SSRCs this server sends it: round-trip samples.
    func receivedReportBlocks(_ blocks: [RTCPReportBlock], from player: SFUSession, now: MediaTime) {
        for block in blocks where player.outboundTracks.contains(where: { $0.rewriter.ssrc == block.ssrc }) {
            player.roundTrip.receiverReport(
                lastSenderReport: block.lastSenderReport, delaySinceLastSenderReport: block.delaySinceLastSenderReport,
                at: now)
        }
    }
}
