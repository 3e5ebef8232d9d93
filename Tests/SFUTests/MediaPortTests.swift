import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
@testable import ParleySFU

/// Issue 13: the UDP media port was bound with SO_REUSEADDR, so another local socket could bind it too.
@Suite("The UDP media port is exclusive", .serialized)
struct MediaPortTests {
    func bind(port: Int, reuseAddress: Bool) async throws -> any Channel {
        var bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if reuseAddress { bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1) }
        return try await bootstrap.bind(host: "127.0.0.1", port: port).get()
    }

    @Test("a port another socket holds fails start-up with a message naming webrtc.udp_port and the port")
    func takenPortFailsStart() async throws {
        let squatter = try await bind(port: 0, reuseAddress: false)
        let port = try #require(squatter.localAddress?.port)
        do {
            let plane = try await MediaPlane.start(
                configuration: MediaPlaneConfiguration(bindHost: "127.0.0.1", udpPort: port), rooms: nil,
                logger: Logger(label: "test.port"))
            await plane.shutdown()
            Issue.record("the plane bound a port another socket holds")
        } catch let error as MediaPlaneError {
            guard case .portUnavailable = error else { throw error }
            let message = "\(error)"
            #expect(message.contains("webrtc.udp_port"))
            #expect(message.contains("127.0.0.1:\(port)"))
            #expect(message.contains("already in use"))
        }
        try await squatter.close()
    }

    @Test("while the plane runs, a second bind of its port fails, even with SO_REUSEADDR")
    func secondBindFails() async throws {
        let plane = try await MediaPlane.start(
            configuration: MediaPlaneConfiguration(bindHost: "127.0.0.1", udpPort: 0), rooms: nil,
            logger: Logger(label: "test.port"))
        let port = Int(plane.localAddress.port)
        for reuse in [false, true] {
            do {
                let intruder = try await bind(port: port, reuseAddress: reuse)
                try? await intruder.close()
                Issue.record("a second socket bound the media port (SO_REUSEADDR \(reuse))")
            } catch let error as IOError {
                #expect(error.errnoCode == EADDRINUSE)
            }
        }
        await plane.shutdown()
    }
}
