import ParleyMedia
import ParleyWire

/// Keyframe requests (docs/interop.md §4): a player's PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1) names the
/// SSRC this server sends it; the request goes on to the publisher's video SSRC, at most one per
/// `keyframeRequestInterval` per publisher track (a request inside the window waits for its end, so none is lost).
/// A new video player triggers one too: encoders send keyframes only when asked.
extension MediaPlaneCore {
    static let keyframeRequestInterval = Duration.milliseconds(500)

    /// A subscriber's PLI or FIR: forwarded when it names one of the video SSRCs this server sends it.
    func receivedKeyframeRequest(mediaSSRCs: [UInt32], from subscriber: SFUSession, now: MediaTime) {
        guard subscriber.kind == .subscriber,
            subscriber.outboundTracks.contains(where: { $0.kind == .video && mediaSSRCs.contains($0.rewriter.ssrc) })
        else { return }
        requestKeyframe(path: subscriber.path, now: now)
    }

    /// Asks the publisher of `path` for a video keyframe, now or when the throttle window ends.
    func requestKeyframe(path: String, now: MediaTime) {
        guard let publisher = publisherByPath[path].flatMap({ sessions[$0] }),
            let index = publisher.publishedTracks.firstIndex(where: { $0.kind == .video })
        else { return }
        publisher.publishedTracks[index].keyframeRequestPending = true
        sendKeyframeRequest(publisher, track: index, now: now)
    }

    /// Sends the pending request of `track` unless one went out less than the interval ago (then it stays
    /// pending for the tick) or the publisher's SSRC is not known yet (its first frame is a keyframe anyway).
    func sendKeyframeRequest(_ publisher: SFUSession, track index: Int, now: MediaTime) {
        let track = publisher.publishedTracks[index]
        guard track.keyframeRequestPending, publisher.peer.isConnected, let ssrc = track.ssrc else { return }
        if let last = track.lastKeyframeRequest, now < last + Self.keyframeRequestInterval { return }
        let request: RTCPPacket
        // PLI unless the publisher negotiated only FIR (RFC 5104 §7.1 "ccm fir").
        if track.codec.hasFeedback("ccm", "fir"), !track.codec.hasFeedback("nack", "pli") {
            request = .fullIntraRequest(
                RTCPFullIntraRequest(
                    senderSSRC: publisher.reporterSSRC, entries: [.init(ssrc: ssrc, sequenceNumber: track.firSequence)])
            )
            publisher.publishedTracks[index].firSequence &+= 1
        } else {
            request = .pictureLossIndication(
                RTCPPictureLossIndication(senderSSRC: publisher.reporterSSRC, mediaSSRC: ssrc))
        }
        publisher.publishedTracks[index].keyframeRequestPending = false
        publisher.publishedTracks[index].lastKeyframeRequest = now
        publisher.publishedTracks[index].keyframeRequestsSent &+= 1
        // RFC 4585 §3.1 compound form (RR, SDES, feedback): valid whether or not reduced size was negotiated.
        publisher.peer.send(
            rtcp: RTCPCompound.serialize([
                .receiverReport(RTCPReceiverReport(ssrc: publisher.reporterSSRC, reports: [])),
                .sourceDescription(
                    RTCPSourceDescription(chunks: [
                        .init(source: publisher.reporterSSRC, items: [.cname(publisher.cname)])
                    ])),
                request,
            ]))
        drain(publisher)
    }
}
