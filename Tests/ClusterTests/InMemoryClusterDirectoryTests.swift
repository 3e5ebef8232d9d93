import Fixtures
import Foundation
import Testing
@testable import ParleyCluster

@Suite("In-memory cluster directory")
struct InMemoryClusterDirectoryTests {
    static func contract() -> DirectoryContract {
        let clock = ManualClock()
        return DirectoryContract(
            directory: InMemoryClusterDirectory(clock: clock), ttl: .seconds(3),
            advance: { clock.advance(by: $0) }, scope: "")
    }

    @Test("a node is live until its heartbeat expires; deregistering removes it at once")
    func liveness() async throws { try await Self.contract().nodesLiveUntilTheirHeartbeatExpires() }

    @Test("four nodes racing for one room: one winner, epoch 1, everyone told the same owner")
    func race() async throws { try await Self.contract().racingAcquiresHaveOneWinner() }

    @Test("fencing: after a takeover the old owner's epoch is refused for release, renewal and holds")
    func fencing() async throws { try await Self.contract().aStaleEpochIsRefused() }

    @Test("renewal keeps leases live; a released key is free and its next epoch is larger")
    func renewal() async throws { try await Self.contract().renewalKeepsAndReleaseFrees() }

    @Test("deregistering a node frees its leases for the next node")
    func deregister() async throws { try await Self.contract().deregisterFreesTheNodesLeases() }
}
