import Foundation
import NIOCore
import NIOPosix
import ParleyWire

/// A bare UDP socket on 127.0.0.1 for hand-made datagrams (STUN checks, garbage, replays): it keeps what arrives
/// so a case can wait for one datagram or count what came in a while.
final class UDPProbe: @unchecked Sendable {
    struct Datagram: Sendable {
        var bytes: [UInt8]
        var from: STUNAddress
    }

    let channel: any Channel
    let local: STUNAddress
    private let lock = NSLock()
    private var inbox: [Datagram] = []

    private init(channel: any Channel, local: STUNAddress, collector: Collector) {
        self.channel = channel
        self.local = local
        collector.probe = self
    }

    static func bind() async throws -> UDPProbe {
        let collector = Collector()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(collector) }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port, let ip = IPAddress("127.0.0.1") else {
            try? await channel.close().get()
            throw CaseStop.broken("the probe socket has no local port")
        }
        return UDPProbe(channel: channel, local: STUNAddress(ip: ip, port: UInt16(port)), collector: collector)
    }

    func send(_ bytes: [UInt8], to destination: STUNAddress) {
        guard let address = try? SocketAddress(ipAddress: destination.ip.description, port: Int(destination.port))
        else { return }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    /// Waits up to `seconds` for a datagram `matching`, removing it from the inbox.
    func receive(within seconds: Double, matching: @escaping (Datagram) -> Bool) async -> Datagram? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let found: Datagram? = lock.withLock {
                guard let index = inbox.firstIndex(where: matching) else { return nil }
                return inbox.remove(at: index)
            }
            if let found { return found }
            if Date() >= deadline { return nil }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// Everything received so far, emptying the inbox.
    func takeAll() -> [Datagram] {
        lock.withLock {
            defer { inbox.removeAll() }
            return inbox
        }
    }

    func close() async { try? await channel.close().get() }

    fileprivate func deliver(_ datagram: Datagram) {
        lock.withLock {
            // A flood cannot grow memory without bound: the cases look at a handful of datagrams.
            if inbox.count < 4_096 { inbox.append(datagram) }
        }
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        weak var probe: UDPProbe?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let from = envelope.remoteAddress.stunAddress else { return }
            let bytes = envelope.data.getBytes(at: envelope.data.readerIndex, length: envelope.data.readableBytes) ?? []
            probe?.deliver(Datagram(bytes: bytes, from: from))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // ICMP port unreachable: the case judges by what arrives, not by socket errors.
        }
    }
}
