import NIOCore
import ParleyMedia
import ParleyWire

/// The forwarding hot path (docs/architecture.md §The media plane): each subscriber's copy of a publisher packet
/// is written, rewritten and SRTP-protected inside the one buffer that goes to the socket, and queued with the
/// subscriber's cached destination; the plane flushes once after the fan-out. No per-packet array, text address
/// or log line.
extension MediaPlaneCore {
    /// Fan-out of one publisher packet (`header` parsed from `packet`) to every connected subscriber of its path
    /// that receives this track's kind in a codec it can decode.
    func forward(
        _ packet: [UInt8], header: RTPHeaderView, track: PublishedTrack, from publisher: SFUSession, now: MediaTime
    ) {
        guard let subscribers = subscribersByPath[publisher.path], !subscribers.isEmpty else { return }
        // Counted once per fan-out, not per player: three atomic adds per packet whatever the audience.
        var sent: Int64 = 0
        var bytes: Int64 = 0
        // Whether the packet starts a keyframe: read at most once, and only while some player waits for one.
        var keyframe: Bool?
        let length = header.translatedLength
        let capacity = length + PeerConnection.rtpTrailerRoom
        packet.withUnsafeBytes { source in
            for id in subscribers {
                guard let subscriber = sessions[id], let destination = subscriber.peer.mediaDestination,
                    let address = subscriber.socketAddress(for: destination),
                    let index = subscriber.outboundTracks.firstIndex(where: { $0.kind == track.kind }),
                    subscriber.outboundTracks[index].receives(track),
                    subscriber.outboundTracks[index].startsOrContinues(
                        keyframe: &keyframe, now: now,
                        startsKeyframe: {
                            KeyframeDetector.startsKeyframe(
                                Array(packet[header.payloadRange]), codec: track.codec.family)
                        })
                else { continue }
                let (sequence, timestamp) = subscriber.outboundTracks[index].rewriter.advance(
                    sequence: header.sequenceNumber, timestamp: header.timestamp,
                    payloadLength: header.payloadRange.count, source: track.sourceKey, now: now)
                let rewriter = subscriber.outboundTracks[index].rewriter
                var buffer = allocator.buffer(capacity: capacity)
                let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { output in
                    guard
                        let plain = header.writeTranslated(
                            of: source, ssrc: rewriter.ssrc, payloadType: rewriter.payloadType,
                            sequenceNumber: sequence, timestamp: timestamp, into: output)
                    else { return 0 }
                    return subscriber.peer.protect(rtpInPlace: output, length: plain) ?? 0
                }
                guard written > 0 else { continue }
                outbox.append(AddressedEnvelope(remoteAddress: address, data: buffer))
                sent += 1
                bytes += Int64(length)
            }
        }
        guard sent > 0 else { return }
        metrics.forwardedPackets.increment(by: sent)
        publisher.pathMetrics?.packetsOut.increment(by: sent)
        publisher.pathMetrics?.bytesOut.increment(by: bytes)
    }
}
