import NIOCore
import ParleyWire

/// Hands each datagram to the plane, on the plane's loop (the channel lives there). STUN goes first: a Binding
/// request is answered as soon as it is read, while the DTLS and SRTP datagrams of the same read burst wait until
/// the burst ends (`channelReadComplete`), so a loop busy with media still answers consent checks (RFC 7675 §5.1)
/// within one burst instead of losing the session after the consent timeout.
final class UDPInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// Datagrams per recvmmsg; NIO reads up to four times that per readable event (its `maxMessagesPerRead`).
    static let vectorReadCount = 32
    /// Receive room per datagram: more than the 1200-byte MTU WebRTC stacks keep to, and any RTP packet of ours.
    static let datagramRoom = 2048

    /// Filled in once the plane exists (the channel is bound first); only touched on the loop.
    final class Box: @unchecked Sendable {
        var plane: MediaPlane?
    }

    let box: Box
    /// The burst's non-STUN datagrams, in arrival order; storage kept across bursts.
    var deferred: [(bytes: [UInt8], source: STUNAddress)] = []

    init(box: Box) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let plane = box.plane, let source = STUNAddress(envelope.remoteAddress) else { return }
        var buffer = envelope.data
        guard let bytes = buffer.readBytes(length: buffer.readableBytes) else { return }
        if PacketKind.classify(bytes) == .stun {
            plane.received(bytes, from: source)
        } else {
            deferred.append((bytes, source))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let plane = box.plane else { return }
        for (bytes, source) in deferred { plane.received(bytes, from: source) }
        deferred.removeAll(keepingCapacity: true)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and similar surface here on Linux; a UDP server keeps going.
    }
}
