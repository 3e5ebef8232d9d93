import Foundation

/// Open room WebSockets per client address, capped (`rooms.max_connections_per_address`), so one address cannot
/// hold an unbounded number of sockets (each costs a registry subscription, queues and tasks).
final class ConnectionsPerAddress: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var open: [String: Int] = [:]

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Counts one more connection from `address`; false (nothing counted) when it already has `limit`.
    func acquire(_ address: String) -> Bool {
        lock.withLock {
            let current = open[address, default: 0]
            guard current < limit else { return false }
            open[address] = current + 1
            return true
        }
    }

    /// Pairs with a successful ``acquire(_:)``; an address with none left is forgotten.
    func release(_ address: String) {
        lock.withLock {
            guard let current = open[address] else { return }
            open[address] = current > 1 ? current - 1 : nil
        }
    }

    func count(_ address: String) -> Int { lock.withLock { open[address, default: 0] } }
}
