import NIOCore

/// Hands each datagram of one client's socket to that client, on the socket's (the media) loop, with the time
/// the kernel queued it when the socket has receive stamps (``KernelArrivalTime``), else the time it was read.
final class ClientDatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    /// What a case does with an incoming datagram before the client sees it: false drops it (simulated loss).
    typealias Filter = @Sendable ([UInt8], UInt64) -> Bool

    /// Set once the session is negotiated; datagrams before that are dropped (nothing can be sent to us yet).
    var client: WebRTCClient?
    let clock: @Sendable () -> UInt64
    let filter: Filter?
    /// The socket's descriptor when it was bound with receive stamps switched on.
    let stampedDescriptor: CInt?

    init(clock: @escaping @Sendable () -> UInt64, filter: Filter? = nil, stampedDescriptor: CInt? = nil) {
        self.clock = clock
        self.filter = filter
        self.stampedDescriptor = stampedDescriptor
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let client else { return }
        let bytes = envelope.data.getBytes(at: envelope.data.readerIndex, length: envelope.data.readableBytes) ?? []
        let now = KernelArrivalTime.arrival(ofLastDatagramOn: stampedDescriptor, clock: clock)
        if let filter, !filter(bytes, now) { return }
        client.receive(bytes, from: envelope.remoteAddress, now: now)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: UDP keeps going, ICE consent decides whether the path is dead.
    }
}
