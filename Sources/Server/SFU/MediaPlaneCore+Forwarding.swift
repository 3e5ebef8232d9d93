import NIOCore
import ParleyMedia
import ParleyWire

/// The forwarding hot path (docs/architecture.md §The media plane): each subscriber's copy of a publisher packet
/// is written, rewritten and SRTP-protected inside the one buffer that goes to the socket, and queued with the
/// subscriber's cached destination; every ``fanOutSlice`` datagrams the plane writes what is queued (NIO sends it
/// with one sendmmsg), so a player's latency is its share of the fan-out, not the whole of it. No per-packet
/// array, text address or log line.
extension MediaPlaneCore {
    /// Datagrams per write during a fan-out (one sendmmsg each): smaller slices get the first players their copy
    /// sooner, larger ones save syscalls.
    static let fanOutSlice = 32

    /// Fan-out of one publisher packet (`header` parsed from `packet`) to every connected subscriber of its path
    /// that receives this track's kind in a codec it can decode.
    func forward(
        _ packet: [UInt8], header: RTPHeaderView, track: PublishedTrack, from publisher: SFUSession, now: MediaTime
    ) {
        guard let players = publisher.pathPlayers?.sessions, !players.isEmpty else { return }
        // Counted once per fan-out, not per player: three atomic adds per packet whatever the audience.
        var sent: Int64 = 0
        var bytes: Int64 = 0
        // Whether the packet starts a keyframe: read at most once, and only while some player waits for one.
        var keyframe: Bool?
        let length = header.translatedLength
        let capacity = length + PeerConnection.rtpTrailerRoom
        // One buffer per slice of the fan-out, every player's datagram a slice of it: two allocations per
        // `fanOutSlice` datagrams instead of two per datagram.
        var slice = allocator.buffer(capacity: min(Self.fanOutSlice, players.count) * capacity)
        var visited = 0
        packet.withUnsafeBytes { source in
            for subscriber in players {
                visited += 1
                guard let destination = subscriber.peer.mediaDestination,
                    let address = subscriber.socketAddress(for: destination),
                    let index = subscriber.outboundTracks.firstIndex(where: { $0.kind == track.kind }),
                    let rewrite = subscriber.outboundTracks[index].rewrite(
                        header, of: track, keyframe: &keyframe, now: now,
                        startsKeyframe: {
                            KeyframeDetector.startsKeyframe(
                                Array(packet[header.payloadRange]), codec: track.codec.family)
                        })
                else { continue }
                let start = slice.writerIndex
                let written = slice.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { output in
                    guard
                        let plain = header.writeTranslated(
                            of: source, ssrc: rewrite.ssrc, payloadType: rewrite.payloadType,
                            sequenceNumber: rewrite.sequence, timestamp: rewrite.timestamp, into: output)
                    else { return 0 }
                    return subscriber.peer.protect(rtpInPlace: output, length: plain) ?? 0
                }
                guard written > 0 else { continue }
                fanOutSlots.append((address, start, written))
                sent += 1
                bytes += Int64(length)
                if fanOutSlots.count == Self.fanOutSlice {
                    queueFanOutSlice(slice)
                    slice = allocator.buffer(capacity: min(Self.fanOutSlice, players.count - visited) * capacity)
                }
            }
        }
        if !fanOutSlots.isEmpty { queueFanOutSlice(slice) }
        guard sent > 0 else { return }
        metrics.forwardedPackets.increment(by: sent)
        publisher.pathMetrics?.packetsOut.increment(by: sent)
        publisher.pathMetrics?.bytesOut.increment(by: bytes)
    }

    /// Sends the datagrams written into `slice` with the plane's socket, or queues them (each a view of it: no
    /// copy) and lets the plane write them.
    /// The views are taken only once the slice is complete, since a view taken earlier would make the next
    /// write into the shared buffer copy it.
    func queueFanOutSlice(_ slice: ByteBuffer) {
        if let sendFanOutSlice {
            sendFanOutSlice(slice, fanOutSlots)
            fanOutSlots.removeAll(keepingCapacity: true)
            return
        }
        for slot in fanOutSlots {
            guard let datagram = slice.getSlice(at: slot.start, length: slot.length) else { continue }
            outbox.append(AddressedEnvelope(remoteAddress: slot.address, data: datagram))
        }
        fanOutSlots.removeAll(keepingCapacity: true)
        onFanOutSlice?()
    }
}
