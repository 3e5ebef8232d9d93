import Fixtures
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

/// One real UDP socket on 127.0.0.1 for a `TestClient`, pumped by the test.
final class LiveSocket: @unchecked Sendable {
    let channel: any Channel
    let inbox = Inbox()
    let port: UInt16

    final class Inbox: Sendable {
        let datagrams = Mutex<[[UInt8]]>([])
        func take() -> [[UInt8]] {
            datagrams.withLock { queued in
                defer { queued.removeAll() }; return queued
            }
        }
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: Inbox
        init(_ inbox: Inbox) { self.inbox = inbox }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data).data
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            inbox.datagrams.withLock { $0.append(bytes) }
        }
    }

    init() async throws {
        let inbox = self.inbox
        channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = UInt16(channel.localAddress?.port ?? 0)
    }

    func send(_ bytes: [UInt8], to address: STUNAddress) async throws {
        let remote = try SocketAddress(ipAddress: "\(address.ip)", port: Int(address.port))
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes)))
    }
}

@Suite("Media plane over real UDP on 127.0.0.1", .serialized)
struct LivePlaneTests {
    /// Delivers everything that arrives within `window` to the client, sending its DTLS replies back.
    func exchange(
        _ client: TestClient, _ socket: LiveSocket, server: STUNAddress,
        until done: @escaping () -> Bool, timeout: Duration = .seconds(5)
    ) async throws {
        let start = ContinuousClock.now
        while !done() {
            guard ContinuousClock.now - start < timeout else { throw TestFailure("timed out") }
            while let datagram = client.pollDTLS() { try await socket.send(datagram, to: server) }
            try await Task.sleep(for: .milliseconds(5))
            let now = MediaTime(since: start, now: .now)
            for datagram in socket.inbox.take() { client.handle(datagram, now: now) }
            client.dtls?.handleTimeout(now: now)
        }
        while let datagram = client.pollDTLS() { try await socket.send(datagram, to: server) }
    }

    func connect(_ client: TestClient, _ socket: LiveSocket, server: STUNAddress) async throws {
        try await socket.send(client.bindingRequest(useCandidate: false), to: server)
        try await socket.send(client.bindingRequest(useCandidate: true), to: server)
        try await exchange(client, socket, server: server, until: { client.isConnected })
    }

    @Test("two real UDP clients: WHIP publisher's RTP reaches the WHEP player; tampered SRTP is counted")
    func publishAndPlay() async throws {
        let plane = try await MediaPlane.start(
            configuration: MediaPlaneConfiguration(bindHost: "127.0.0.1", udpPort: 0), rooms: nil,
            logger: Logger(label: "live-test"))
        do {
            #expect(plane.candidates == [plane.localAddress])
            let pubSocket = try await LiveSocket()
            let publisher = try TestClient(port: pubSocket.port)
            let published = try await plane.publish(path: "live/udp", offer: try publisher.offer(direction: "sendonly"))
            try publisher.accept(answer: published.answer, now: .zero)
            try await connect(publisher, pubSocket, server: plane.localAddress)

            let playSocket = try await LiveSocket()
            let player = try TestClient(port: playSocket.port, payloadType: 100)
            let played = try await plane.play(path: "live/udp", offer: try player.offer(direction: "recvonly"))
            try player.accept(answer: played.answer, now: .zero)
            try await connect(player, playSocket, server: plane.localAddress)
            // The server finishes its handshake when the client's last flight arrives, a moment after the client.
            let addresses = [publisher.address, player.address]
            try await waitUntil("the server side of both sessions is connected") {
                try await plane.eventLoop.submit {
                    let core = plane.core.value
                    return addresses.allSatisfy { address in
                        core.sessionByAddress[address].flatMap { core.sessions[$0] }?.peer.isConnected == true
                    }
                }.get()
            }

            for _ in 0..<10 { try await pubSocket.send(try publisher.nextProtectedRTP(), to: plane.localAddress) }
            var tampered = try publisher.nextProtectedRTP()
            tampered[14] ^= 0xFF
            try await pubSocket.send(tampered, to: plane.localAddress)
            try await exchange(
                player, playSocket, server: plane.localAddress, until: { player.receivedRTP.count >= 10 })
            #expect(player.receivedRTP.count == 10)
            #expect(player.receivedRTP.allSatisfy { $0.payloadType == 100 })
            let dropped = try await plane.eventLoop.submit { plane.core.value.droppedSRTPPackets }.get()
            #expect(dropped == 1)

            #expect(await plane.close(session: published.id) != nil)
            #expect(await !plane.hasPublisher(path: "live/udp"))
        } catch {
            await plane.shutdown()
            throw error
        }
        await plane.shutdown()
    }
}
