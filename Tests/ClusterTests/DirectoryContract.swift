import Foundation
import Testing
@testable import ParleyCluster
@testable import ParleyRooms

/// The behaviour every ``ClusterDirectory`` must have, run against each implementation: the in-memory one on a
/// manual clock, the PostgreSQL one on the database's own clock (`advance` sleeps there).
struct DirectoryContract {
    let directory: any ClusterDirectory
    let ttl: Duration
    /// Moves the directory's clock forward by at least the given time.
    let advance: @Sendable (Duration) async -> Void
    /// Prefix for keys and node ids, so runs against one shared database never see each other's rows.
    let scope: String

    func node(_ name: String) -> NodeID { NodeID("\(scope)\(name)") }
    func room(_ name: String) -> LeaseKey { .room(RoomID("\(scope)\(name)")!) }
    func registration(_ name: String, rooms: Int = 0, participants: Int = 0) -> ClusterNode {
        ClusterNode(
            id: node(name), advertiseURL: "http://127.0.0.1:80\(name.count)/\(name)",
            load: NodeLoad(rooms: rooms, participants: participants, sessions: 0))
    }
    func mine(_ nodes: [ClusterNode]) -> [ClusterNode] { nodes.filter { $0.id.rawValue.hasPrefix(scope) } }

    func nodesLiveUntilTheirHeartbeatExpires() async throws {
        try await directory.heartbeat(registration("a", rooms: 2), ttl: ttl)
        try await directory.heartbeat(registration("b"), ttl: ttl)
        #expect(mine(try await directory.liveNodes()).map(\.id) == [node("a"), node("b")])
        #expect(mine(try await directory.liveNodes()).first?.load.rooms == 2)
        await advance(ttl / 2)
        try await directory.heartbeat(registration("b", participants: 3), ttl: ttl)
        await advance(ttl / 2 + ttl / 4)
        let live = mine(try await directory.liveNodes())
        #expect(live.map(\.id) == [node("b")], "a missed its heartbeat: dead; b renewed: live")
        #expect(live.first?.load.participants == 3)
        try await directory.deregister(node("b"))
        #expect(mine(try await directory.liveNodes()).isEmpty)
    }

    func racingAcquiresHaveOneWinner() async throws {
        for name in ["a", "b", "c", "d"] { try await directory.heartbeat(registration(name), ttl: ttl) }
        let key = room("race")
        let leases = try await withThrowingTaskGroup(of: RoomLease.self) { group in
            for name in ["a", "b", "c", "d"] {
                group.addTask { try await directory.acquire(key, for: node(name), ttl: ttl) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(leases).count == 1, "every racer is told the same winner: \(leases)")
        #expect(leases.first?.epoch == 1)
        let owner = try #require(try await directory.owner(of: key))
        #expect(owner.nodeID == leases.first?.owner)
        #expect(owner.advertiseURL.hasSuffix("/\(owner.nodeID.rawValue.dropFirst(scope.count))"))
    }

    func aStaleEpochIsRefused() async throws {
        try await directory.heartbeat(registration("a"), ttl: ttl)
        try await directory.heartbeat(registration("b"), ttl: ttl)
        let key = room("fenced")
        let first = try await directory.acquire(key, for: node("a"), ttl: ttl)
        #expect(first == RoomLease(key: key, owner: node("a"), epoch: 1))
        #expect(try await directory.acquire(key, for: node("b"), ttl: ttl).owner == node("a"), "a live lease stays")
        #expect(try await directory.holds(key, node: node("a"), epoch: 1))
        // a stops renewing (paused); its lease runs out and b takes the room with the next epoch.
        await advance(ttl + ttl / 4)
        try await directory.heartbeat(registration("b"), ttl: ttl)
        #expect(try await directory.owner(of: key) == nil)
        #expect(try await directory.expiredLeases().filter { $0.key == key } == [first])
        let second = try await directory.acquire(key, for: node("b"), ttl: ttl)
        #expect(second == RoomLease(key: key, owner: node("b"), epoch: 2))
        #expect(try await directory.expiredLeases().filter { $0.key == key }.isEmpty)
        // a comes back with epoch 1: every write it attempts is refused and b's lease is untouched.
        #expect(try await !directory.holds(key, node: node("a"), epoch: 1))
        #expect(try await !directory.release(key, node: node("a"), epoch: 1))
        #expect(try await directory.renewAll(held: node("a"), ttl: ttl).filter { $0.key == key }.isEmpty)
        #expect(try await directory.owner(of: key)?.nodeID == node("b"))
        #expect(try await directory.owner(of: key)?.epoch == 2)
    }

    func renewalKeepsAndReleaseFrees() async throws {
        try await directory.heartbeat(registration("a"), ttl: ttl)
        let kept = room("kept")
        let freed = room("freed")
        _ = try await directory.acquire(kept, for: node("a"), ttl: ttl)
        _ = try await directory.acquire(freed, for: node("a"), ttl: ttl)
        await advance(ttl / 2)
        try await directory.heartbeat(registration("a"), ttl: ttl)
        let renewed = try await directory.renewAll(held: node("a"), ttl: ttl).filter { [kept, freed].contains($0.key) }
        #expect(Set(renewed.map(\.key)) == [kept, freed])
        #expect(try await directory.release(freed, node: node("a"), epoch: 1))
        #expect(try await directory.owner(of: freed) == nil)
        #expect(try await directory.expiredLeases().filter { $0.key == freed }.isEmpty, "released, not orphaned")
        await advance(ttl / 2 + ttl / 4)
        #expect(try await directory.owner(of: kept)?.epoch == 1, "renewed at ttl/2: still live at 3/4 ttl later")
        // The next acquisition of a released key still gets a larger epoch.
        #expect(try await directory.acquire(freed, for: node("a"), ttl: ttl).epoch == 2)
    }

    func deregisterFreesTheNodesLeases() async throws {
        try await directory.heartbeat(registration("a"), ttl: ttl)
        try await directory.heartbeat(registration("b"), ttl: ttl)
        let key = room("handoff")
        _ = try await directory.acquire(key, for: node("a"), ttl: ttl)
        try await directory.deregister(node("a"))
        #expect(try await directory.owner(of: key) == nil)
        #expect(
            try await directory.expiredLeases().filter { $0.key == key }
                == [RoomLease(key: key, owner: node("a"), epoch: 1)], "an orphan for the survivors to take over")
        #expect(try await directory.acquire(key, for: node("b"), ttl: ttl).epoch == 2)
    }
}
