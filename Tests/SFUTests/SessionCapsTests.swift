import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

/// Issue 13: unconnected WHIP/WHEP sessions were not capped and each held DTLS state for 30 s.
@Suite("Media plane session caps", .serialized)
struct SessionCapsTests {
    /// Opens a publisher on `path` for a fresh client, counted under `source`.
    @discardableResult
    func publish(_ net: VirtualNetwork, path: String, source: String?, port: UInt16) throws -> SessionDescriptor {
        let client = try TestClient(port: port)
        return try net.core.open(
            kind: .publisher, path: path, offer: try client.offer(direction: "sendonly"),
            source: source, now: net.now)
    }

    func overloaded(_ body: () throws -> Void) -> (reason: String, retryAfter: Int)? {
        do {
            try body()
        } catch MediaPlaneError.overloaded(let reason, let seconds) {
            return (reason, seconds)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    @Test("the 21st unconnected session from one address is refused with a retry time; other addresses are not")
    func perAddress() throws {
        let net = try VirtualNetwork(limits: MediaPlaneLimits(connectTimeout: .seconds(20)))
        for index in 0..<20 {
            try publish(net, path: "live/a\(index)", source: "198.51.100.7", port: UInt16(41_000 + index))
        }
        net.advance(by: .milliseconds(5_500))
        let refusal = try #require(
            overloaded { try publish(net, path: "live/a20", source: "198.51.100.7", port: 41_100) })
        #expect(refusal.retryAfter == 15) // the oldest of the 20 times out 14.5 s from now
        #expect(refusal.reason.contains("198.51.100.7"))
        #expect(net.core.admissionRefusal(kind: .publisher, path: "x", source: "198.51.100.7", now: net.now) != nil)
        try publish(net, path: "live/b", source: "198.51.100.8", port: 41_101)
        #expect(net.core.sessions.count == 21)
    }

    @Test("unconnected sessions are capped in all, too")
    func total() throws {
        let net = try VirtualNetwork(limits: MediaPlaneLimits(maxUnconnected: 3))
        for index in 0..<3 {
            try publish(net, path: "live/t\(index)", source: "10.0.0.\(index)", port: UInt16(42_000 + index))
        }
        #expect(overloaded { try publish(net, path: "live/t3", source: "10.0.0.9", port: 42_009) } != nil)
    }

    @Test("a session that does not connect in time is closed and frees its place")
    func connectDeadline() throws {
        let net = try VirtualNetwork(
            limits: MediaPlaneLimits(maxUnconnectedPerAddress: 1, connectTimeout: .seconds(10)))
        let first = try publish(net, path: "live/slow", source: "192.0.2.1", port: 43_000)
        #expect(
            overloaded { try publish(net, path: "live/slow2", source: "192.0.2.1", port: 43_001) }?.retryAfter == 10)
        net.advance(by: .milliseconds(9_900))
        #expect(net.core.sessions[first.id] != nil)
        net.advance(by: .milliseconds(100))
        #expect(net.core.sessions[first.id] == nil)
        #expect(net.ended.map(\.id) == [first.id])
        #expect(net.core.unconnected.isEmpty && net.core.unconnectedBySource.isEmpty)
        try publish(net, path: "live/slow2", source: "192.0.2.1", port: 43_001)
    }

    @Test("a connected session no longer counts against the unconnected caps, and is not closed by the deadline")
    func connectedFreesPlace() throws {
        let net = try VirtualNetwork(
            limits: MediaPlaneLimits(maxUnconnectedPerAddress: 1, connectTimeout: .seconds(10)))
        let client = try TestClient(port: 44_000)
        net.clients[client.address] = client
        let session = try net.core.open(
            kind: .publisher, path: "live/ok", offer: try client.offer(direction: "sendonly"),
            source: "192.0.2.2", now: net.now)
        try client.accept(answer: session.answer, now: net.now)
        try net.connect(client)
        #expect(net.core.unconnected.isEmpty)
        try publish(net, path: "live/next", source: "192.0.2.2", port: 44_001)
        net.advance(by: .seconds(15))
        #expect(net.core.sessions[session.id] != nil)
    }

    @Test("sessions per stream path are capped")
    func perPath() throws {
        let net = try VirtualNetwork(limits: MediaPlaneLimits(maxSessionsPerPath: 2))
        try publish(net, path: "live/p", source: nil, port: 45_000)
        let first = try TestClient(port: 45_001)
        try net.core.open(
            kind: .subscriber, path: "live/p", offer: try first.offer(direction: "recvonly"), now: net.now)
        let second = try TestClient(port: 45_002)
        let refusal = overloaded {
            try net.core.open(
                kind: .subscriber, path: "live/p", offer: try second.offer(direction: "recvonly"), now: net.now)
        }
        #expect(refusal?.reason.contains("live/p has 2 sessions") == true)
    }
}
