import NIOCore

/// Hands each datagram of one client's socket to that client, on the socket's (the media) loop.
final class ClientDatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    /// Set once the session is negotiated; datagrams before that are dropped (nothing can be sent to us yet).
    var client: WebRTCClient?
    let clock: @Sendable () -> UInt64

    init(clock: @escaping @Sendable () -> UInt64) { self.clock = clock }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let client else { return }
        let bytes = envelope.data.getBytes(at: envelope.data.readerIndex, length: envelope.data.readableBytes) ?? []
        client.receive(bytes, from: envelope.remoteAddress, now: clock())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: UDP keeps going, ICE consent decides whether the path is dead.
    }
}
