import Foundation

/// Where a room (or stream) is served.
public enum Placement: Sendable, Hashable {
    /// This node owns it under `epoch`: serve it here.
    case local(epoch: Int64)
    /// Another node owns it: send the client there.
    case remote(RoomOwner)
    /// Nobody owns it and the caller asked only to look.
    case unowned
}

/// Who should own a key nobody owns yet.
public enum PlacementPolicy: Sendable, Hashable {
    /// The least loaded live node, this one or another (a room becoming active).
    case leastLoaded
    /// This node (a publisher on a plain path is served where it arrived).
    case thisNode
    /// Nobody: only report the owner (a player of a plain path follows its publisher).
    case lookOnly
}

extension ClusterMember {
    /// Where `key` is served; a key nobody owns is acquired for the node `policy` names first. Throws
    /// ``ClusterDirectoryError`` when the directory cannot be asked (the caller answers 503: guessing could put a
    /// room on two nodes).
    public func placement(of key: LeaseKey, policy: PlacementPolicy = .leastLoaded) async throws -> Placement {
        let started = clock.uptime
        if let lease = held[key], lease.trustedUntil > started {
            held[key]?.lastActive = started
            return .local(epoch: lease.epoch)
        }
        if let owner = try await directory.owner(of: key) {
            if owner.nodeID != node { return .remote(owner) }
            // Ours in the store but not (or no longer) trusted here: assigned by another node, or the last renewal
            // is too old. A renewal decides, and keeps it only if it is still ours; if not, it lapsed meanwhile.
            try await renew(startedAt: clock.uptime)
            if let lease = held[key] { return .local(epoch: lease.epoch) }
        }
        let candidate: NodeID
        switch policy {
        case .lookOnly: return .unowned
        case .thisNode: candidate = node
        case .leastLoaded: candidate = try await directory.liveNodes().leastLoaded()?.id ?? node
        }
        return try await acquire(key, for: candidate)
    }

    /// Takes `key` for this node unless another live owner has it (a room created here): its placement after.
    @discardableResult
    public func claim(_ key: LeaseKey) async throws -> Placement {
        try await placement(of: key, policy: .thisNode)
    }

    /// Whether this node may still act as owner of `key` under `epoch`: it holds that epoch and trusts it. A
    /// command stamped with another epoch came from an out-of-date view (fencing).
    public func owns(_ key: LeaseKey, epoch: Int64) -> Bool {
        guard let lease = held[key] else { return false }
        return lease.epoch == epoch && lease.trustedUntil > clock.uptime
    }

    /// The live owner of `key` as the directory has it now (nil: nobody).
    public func owner(of key: LeaseKey) async throws -> RoomOwner? {
        try await directory.owner(of: key)
    }

    func acquire(_ key: LeaseKey, for candidate: NodeID) async throws -> Placement {
        let started = clock.uptime
        let lease = try await directory.acquire(key, for: candidate, ttl: ttl)
        if lease.owner == node {
            await adoptPreparing(lease, renewedAt: started)
            return .local(epoch: lease.epoch)
        }
        if let owner = try await directory.owner(of: key), owner.nodeID != node { return .remote(owner) }
        throw ClusterDirectoryError("room \(key) was placed on \(lease.owner), which is no longer registered")
    }

    /// Adopts `lease`; when it is new here, the node prepares the key (restores a stored room) before this
    /// returns, so the client that caused the placement finds the room as it was stored.
    func adoptPreparing(_ lease: RoomLease, renewedAt started: Duration) async {
        if adopt(lease, renewedAt: started) { await local.leaseAcquired(lease.key) }
    }

    /// Records `lease` as held here; true when it is new (another epoch than the one held, if any).
    @discardableResult
    func adopt(_ lease: RoomLease, renewedAt started: Duration) -> Bool {
        let previous = held[lease.key]
        let isNew = previous?.epoch != lease.epoch
        let renewedAt = isNew ? started : max(started, previous?.renewedAt ?? started)
        held[lease.key] = HeldLease(
            epoch: lease.epoch, renewedAt: renewedAt, trustedUntil: renewedAt + ttl - trustMargin,
            lastActive: isNew ? started : previous?.lastActive ?? started)
        if isNew {
            metrics.acquired.increment()
            logger.info(
                "room lease acquired", metadata: ["key": "\(lease.key)", "epoch": "\(lease.epoch)", "node": "\(node)"])
        }
        metrics.held.record(held.count)
        return isNew
    }
}
