import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import ParleyConformance

/// `latency` stamps a datagram with the time the kernel queued it, not the time the runner's busy loop got to it.
@Suite("kernel arrival time")
struct KernelArrivalTimeTests {
    static func monotonic() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// Sends one datagram from a fresh socket to 127.0.0.1:`port`; returns the monotonic time just before.
    static func send(to port: UInt16) throws -> UInt64 {
        let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(sender >= 0)
        defer { close(sender) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = port.bigEndian
        let bytes: [UInt8] = [0xFF, 1, 2, 3]
        let before = monotonic()
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(sender, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(sent == bytes.count)
        return before
    }

    static func port(of fd: CInt) throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        try #require(result == 0)
        return UInt16(bigEndian: address.sin_port)
    }

    #if os(Linux)
        /// The kernel switches stamping on for the whole stack a moment after a socket asks (a deferred static key);
        /// until then a datagram carries no stamp and counts at its read time. Waits (at most 5 s) until a datagram
        /// that waited 5 ms shows its age.
        static func waitUntilStamping(_ fd: CInt) throws {
            var buffer = [UInt8](repeating: 0, count: 64)
            for _ in 0..<500 {
                _ = try send(to: try port(of: fd))
                usleep(5_000)
                _ = recv(fd, &buffer, buffer.count, 0)
                if let age = KernelArrivalTime.age(ofLastDatagramOn: fd), age >= 4_000_000 { return }
            }
            Issue.record("the kernel never stamped a datagram")
        }

        @Test("a datagram read 50 ms after it came in is stamped with its arrival, not the read")
        func stampIsTheKernels() throws {
            let fd = try #require(KernelArrivalTime.loopbackSocket())
            defer { close(fd) }
            try Self.waitUntilStamping(fd)
            let sentAt = try Self.send(to: try Self.port(of: fd))
            usleep(50_000)
            var buffer = [UInt8](repeating: 0, count: 64)
            // Non-blocking: the datagram is queued already (loopback delivers inside sendto).
            #expect(recv(fd, &buffer, buffer.count, 0) == 4)
            let readAt = Self.monotonic()
            let arrival = KernelArrivalTime.arrival(ofLastDatagramOn: fd, clock: Self.monotonic)
            #expect(readAt - sentAt >= 50_000_000)
            // Generous for a loaded machine; a read-time stamp would be 50 ms or more late.
            #expect(arrival + 20_000_000 >= sentAt && arrival < sentAt + 20_000_000, "\(arrival) vs sent \(sentAt)")
        }

        @Test("a client socket stamps datagrams that waited behind a busy loop with their kernel arrival")
        func clientSocketUsesKernelStamps() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = group.next()
            let seen = Locked<[UInt64]>([])
            let socket = try await ClientSocket.bind(
                on: loop, clock: { Self.monotonic() },
                filter: { _, arrival in
                    seen.withLockedValue { $0.append(arrival) }
                    return false
                })
            #expect(socket.handler.stampedDescriptor != nil)
            // Stamping is stack-wide: a probe socket of its own shows when it is on (NIO reads this one).
            let probe = try #require(KernelArrivalTime.loopbackSocket())
            defer { close(probe) }
            try Self.waitUntilStamping(probe)
            let context = try DTLSClientContext()
            let client = WebRTCClient(
                channel: socket.channel, sending: false, ssrc: 1, payloadType: 111,
                ice: ICEControllingAgent(local: socket.ice, remote: .random(), remoteCandidates: []),
                dtls: try DTLSClientSession(context: context, expected: [context.fingerprint]))
            try await loop.submit { socket.handler.client = client }.get()
            // Hold the loop, send while it is held, release it 50 ms later: the read comes after the release.
            let gate = Locked((held: false, released: false))
            let held = loop.submit {
                gate.withLockedValue { $0.held = true }
                for _ in 0..<10_000 where !gate.withLockedValue({ $0.released }) { usleep(1_000) }
            }
            for _ in 0..<1_000 where !gate.withLockedValue({ $0.held }) { try await Task.sleep(nanoseconds: 5_000_000) }
            let sentAt = try Self.send(to: socket.candidate.port)
            try await Task.sleep(nanoseconds: 50_000_000)
            let releasedAt = Self.monotonic()
            gate.withLockedValue { $0.released = true }
            try await held.get()
            var arrivals: [UInt64] = []
            for _ in 0..<500 where arrivals.isEmpty {
                try await Task.sleep(nanoseconds: 10_000_000)
                arrivals = seen.withLockedValue { $0 }
            }
            try await socket.channel.close().get()
            try await group.shutdownGracefully()
            let arrival = try #require(arrivals.first)
            #expect(releasedAt - sentAt >= 50_000_000)
            // The loop read it only after `releasedAt`; the stamp is the kernel's, around `sentAt`.
            #expect(arrival + 20_000_000 >= sentAt && arrival + 30_000_000 < releasedAt, "\(arrival) vs sent \(sentAt)")
        }
    #endif
}

/// A value shared between the test and the loop thread.
private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLockedValue<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
