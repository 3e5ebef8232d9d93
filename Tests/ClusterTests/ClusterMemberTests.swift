import Fixtures
import Foundation
import Logging
import Testing
@testable import ParleyCluster
@testable import ParleyRooms

/// A node's own state, set by hand: its load, the keys in use on it, the leases it was told it lost.
final class FakeLocalState: ClusterLocalState, @unchecked Sendable {
    private let lock = NSLock()
    private var currentLoad = NodeLoad()
    private var active: Set<LeaseKey> = []
    private var lostKeys: [LeaseKey] = []
    private var acquiredKeys: [LeaseKey] = []

    func set(load: NodeLoad) { lock.withLock { currentLoad = load } }
    func set(_ key: LeaseKey, active isActive: Bool) {
        lock.withLock { if isActive { active.insert(key) } else { active.remove(key) } }
    }
    var lost: [LeaseKey] { lock.withLock { lostKeys } }
    /// The keys this node was told it now owns, in order.
    var acquired: [LeaseKey] { lock.withLock { acquiredKeys } }

    func load() async -> NodeLoad { lock.withLock { currentLoad } }
    func isActive(_ key: LeaseKey) async -> Bool { lock.withLock { active.contains(key) } }
    func leaseLost(_ key: LeaseKey) async { lock.withLock { lostKeys.append(key) } }
    func leaseAcquired(_ key: LeaseKey) async { lock.withLock { acquiredKeys.append(key) } }
}

/// Two or three members on one in-memory directory and one manual clock.
struct ClusterFixture {
    let clock = ManualClock()
    let directory: InMemoryClusterDirectory
    let ttl: Duration = .seconds(3)

    init() { directory = InMemoryClusterDirectory(clock: clock) }

    func member(_ name: String, load: NodeLoad = NodeLoad()) async throws -> (ClusterMember, FakeLocalState) {
        let local = FakeLocalState()
        local.set(load: load)
        let member = ClusterMember(
            node: NodeID(name), advertiseURL: "http://127.0.0.1:808\(name.count)/", ttl: ttl, secret: "test-secret",
            directory: directory, local: local, clock: clock, logger: Logger(label: "test.\(name)"))
        try await member.register()
        return (member, local)
    }
}

let roomR = LeaseKey.room(RoomID("R")!)

@Suite("Cluster member")
struct ClusterMemberTests {
    @Test("a new room goes to the least loaded live node, which may be another one; both then agree")
    func leastLoadedPlacement() async throws {
        let cluster = ClusterFixture()
        let (a, localA) = try await cluster.member("a", load: NodeLoad(rooms: 0, participants: 1, sessions: 0))
        let (b, localB) = try await cluster.member("b", load: NodeLoad(rooms: 5, participants: 9, sessions: 4))
        let placed = try await b.placement(of: roomR)
        #expect(placed == .remote(RoomOwner(nodeID: NodeID("a"), advertiseURL: "http://127.0.0.1:8081", epoch: 1)))
        #expect(try await a.placement(of: roomR) == .local(epoch: 1), "a adopts the lease b acquired for it")
        #expect(await a.heldLeases == [roomR: 1])
        #expect(await b.heldLeases.isEmpty)
        #expect(localA.acquired == [roomR], "a prepares the room placed on it (a stored room is restored)")
        #expect(localB.acquired.isEmpty)
        #expect(try await a.placement(of: roomR) == .local(epoch: 1))
        #expect(localA.acquired == [roomR], "only a new lease is prepared")
    }

    @Test("a claim keeps a room created here on this node; a plain path's player only looks")
    func claimAndLookOnly() async throws {
        let cluster = ClusterFixture()
        let (a, _) = try await cluster.member("a", load: NodeLoad(rooms: 9, participants: 9))
        let (b, _) = try await cluster.member("b")
        #expect(try await a.claim(roomR) == .local(epoch: 1))
        let stream = LeaseKey.stream(StreamPath("live/cam")!)
        #expect(try await b.placement(of: stream, policy: .lookOnly) == .unowned)
        #expect(try await a.placement(of: stream, policy: .thisNode) == .local(epoch: 1))
        #expect(
            try await b.placement(of: stream, policy: .lookOnly)
                == .remote(
                    RoomOwner(nodeID: NodeID("a"), advertiseURL: "http://127.0.0.1:8081", epoch: 1)))
    }

    @Test("the owner renews while it heartbeats; an idle lease is given back after one lease period")
    func renewAndIdleRelease() async throws {
        let cluster = ClusterFixture()
        let (a, local) = try await cluster.member("a")
        local.set(roomR, active: true)
        #expect(try await a.claim(roomR) == .local(epoch: 1))
        for _ in 0..<6 {
            cluster.clock.advance(by: a.heartbeatInterval)
            await a.round()
        }
        #expect(try await cluster.directory.owner(of: roomR)?.epoch == 1, "renewed through two lease periods")
        local.set(roomR, active: false)
        cluster.clock.advance(by: a.heartbeatInterval)
        await a.round()
        #expect(await a.heldLeases == [roomR: 1], "idle for less than a lease period: kept")
        for _ in 0..<3 {
            cluster.clock.advance(by: a.heartbeatInterval)
            await a.round()
        }
        #expect(await a.heldLeases.isEmpty)
        #expect(try await cluster.directory.owner(of: roomR) == nil)
        #expect(try await a.placement(of: roomR) == .local(epoch: 2), "placed afresh, with the next epoch")
    }

    @Test("failover: the owner dies; within the lease period plus a round the survivor owns the room, epoch 2")
    func takeover() async throws {
        let cluster = ClusterFixture()
        let (a, localA) = try await cluster.member("a")
        let (b, localB) = try await cluster.member("b", load: NodeLoad(participants: 1))
        localA.set(roomR, active: true)
        #expect(
            try await b.placement(of: roomR)
                == .remote(
                    RoomOwner(nodeID: NodeID("a"), advertiseURL: "http://127.0.0.1:8081", epoch: 1)))
        _ = try await a.placement(of: roomR)
        // a is killed: it never runs another round. b keeps heartbeating.
        var waited: Duration = .zero
        while await b.heldLeases[roomR] == nil, waited <= cluster.ttl * 2 {
            cluster.clock.advance(by: b.heartbeatInterval)
            waited += b.heartbeatInterval
            await b.round()
        }
        #expect(await b.heldLeases == [roomR: 2])
        #expect(waited <= cluster.ttl + b.heartbeatInterval, "taken over \(waited) after the owner's last renewal")
        #expect(await b.nodes.map(\.id) == [NodeID("b")])
        #expect(await b.status == ClusterStatus(nodes: 1, state: .member, heldLeases: 1))
        #expect(await b.ownedRooms(limit: 10) == ["R"])
        #expect(localB.acquired == [roomR], "the survivor restores the room it took over before serving it")
    }

    @Test("a paused owner stops trusting its lease before it expires, and learns it lost the room on resuming")
    func pausedOwnerIsFenced() async throws {
        let cluster = ClusterFixture()
        let (a, localA) = try await cluster.member("a")
        let (b, _) = try await cluster.member("b", load: NodeLoad(participants: 1))
        localA.set(roomR, active: true)
        #expect(try await a.claim(roomR) == .local(epoch: 1))
        #expect(await a.owns(roomR, epoch: 1))
        // a pauses (SIGSTOP): no rounds. Before the store's lease runs out, a already stops acting as owner.
        cluster.clock.advance(by: cluster.ttl - cluster.ttl / 20)
        #expect(await !a.owns(roomR, epoch: 1))
        cluster.clock.advance(by: cluster.ttl / 10)
        await b.round()
        #expect(await b.heldLeases == [roomR: 2])
        // a resumes: its next round drops the room and tells the node its clients must go.
        await a.round()
        #expect(await a.heldLeases.isEmpty)
        #expect(localA.lost == [roomR])
        #expect(await !a.owns(roomR, epoch: 1))
        #expect(
            try await a.placement(of: roomR)
                == .remote(
                    RoomOwner(nodeID: NodeID("b"), advertiseURL: "http://127.0.0.1:8081", epoch: 2)))
    }

    @Test("leaving gives the rooms back at once: the next node places them without waiting out the lease")
    func gracefulLeave() async throws {
        let cluster = ClusterFixture()
        let (a, _) = try await cluster.member("a")
        let (b, _) = try await cluster.member("b", load: NodeLoad(participants: 1))
        _ = try await a.claim(roomR)
        await a.leave()
        #expect(try await cluster.directory.liveNodes().map(\.id) == [NodeID("b")])
        #expect(try await b.placement(of: roomR) == .local(epoch: 2))
    }

    @Test("leaving hands the rooms over: the survivor's next round takes them, before any client asks")
    func gracefulLeaveHandsOver() async throws {
        let cluster = ClusterFixture()
        let (a, _) = try await cluster.member("a")
        let (b, localB) = try await cluster.member("b", load: NodeLoad(participants: 1))
        _ = try await a.claim(roomR)
        await a.leave()
        cluster.clock.advance(by: b.heartbeatInterval)
        await b.round()
        #expect(await b.heldLeases == [roomR: 2])
        #expect(localB.acquired == [roomR], "a room stored over REST is restored on the survivor")
    }

    @Test("the directory unreachable: placement throws instead of guessing, and a round counts a failure")
    func directoryDown() async throws {
        let member = ClusterMember(
            node: NodeID("a"), advertiseURL: "http://127.0.0.1:8081", ttl: .seconds(3), secret: "test-secret",
            directory: UnreachableDirectory(), local: FakeLocalState(), clock: ManualClock(),
            logger: Logger(label: "test"))
        await #expect(throws: ClusterDirectoryError.self) { try await member.placement(of: roomR) }
        await #expect(throws: ClusterDirectoryError.self) { try await member.register() }
        await member.round()
        #expect(await member.heldLeases.isEmpty)
    }
}

/// A directory whose store never answers.
struct UnreachableDirectory: ClusterDirectory {
    var down: ClusterDirectoryError { ClusterDirectoryError("connection refused") }
    func heartbeat(_ node: ClusterNode, ttl: Duration) async throws { throw down }
    func deregister(_ node: NodeID) async throws { throw down }
    func liveNodes() async throws -> [ClusterNode] { throw down }
    func acquire(_ key: LeaseKey, for candidate: NodeID, ttl: Duration) async throws -> RoomLease { throw down }
    func renewAll(held node: NodeID, ttl: Duration) async throws -> [RoomLease] { throw down }
    func release(_ key: LeaseKey, node: NodeID, epoch: Int64) async throws -> Bool { throw down }
    func holds(_ key: LeaseKey, node: NodeID, epoch: Int64) async throws -> Bool { throw down }
    func owner(of key: LeaseKey) async throws -> RoomOwner? { throw down }
    func expiredLeases() async throws -> [RoomLease] { throw down }
}
