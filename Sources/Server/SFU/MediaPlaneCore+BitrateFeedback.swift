import ParleyMedia
import ParleyWire

/// REMB to a publisher (draft-alvestrand-rmcat-remb-03), when its video section negotiated `goog-remb`: once per
/// report interval, the estimate of ``PublisherBitrateEstimator`` from what arrived and the loss the Receiver
/// Report states, capped by the players' own REMBs. Without it a browser publisher stays at its start bitrate.
extension MediaPlaneCore {
    /// The REMB for the publisher's next report, with `fractionLost` of its video (else any) track's block.
    func bitrateFeedback(_ publisher: SFUSession, fractionLost: UInt8, now: MediaTime) -> RTCPPacket? {
        guard var estimator = publisher.bitrateEstimator else { return nil }
        let estimate = estimator.update(fractionLost: fractionLost, at: now)
        publisher.bitrateEstimator = estimator
        let ssrcs = publisher.publishedTracks.compactMap(\.ssrc)
        guard let estimate, !ssrcs.isEmpty else { return nil }
        return .receiverEstimatedMaximumBitrate(
            RTCPReceiverEstimatedMaximumBitrate(senderSSRC: publisher.reporterSSRC, bitrate: estimate, ssrcs: ssrcs))
    }

    /// A player's REMB caps what its publisher is told.
    func receivedBitrateEstimate(_ remb: RTCPReceiverEstimatedMaximumBitrate, from player: SFUSession, now: MediaTime) {
        guard player.kind == .subscriber, let publisher = publisherByPath[player.path].flatMap({ sessions[$0] })
        else { return }
        publisher.bitrateEstimator?.playerReported(remb.bitrate, player: player.id, at: now)
    }
}
