import NIOCore
import ParleyWire

/// Hands each datagram to the plane, on the plane's loop (the channel lives there).
final class UDPInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// Filled in once the plane exists (the channel is bound first); only touched on the loop.
    final class Box: @unchecked Sendable {
        var plane: MediaPlane?
    }

    let box: Box

    init(box: Box) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let plane = box.plane, let source = STUNAddress(envelope.remoteAddress) else { return }
        var buffer = envelope.data
        guard let bytes = buffer.readBytes(length: buffer.readableBytes) else { return }
        plane.received(bytes, from: source)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and similar surface here on Linux; a UDP server keeps going.
    }
}
