import Foundation
import Logging

extension ClusterMember {
    /// Registers this node; start-up fails if the directory cannot be reached (a node that cannot see the others
    /// must not serve as one of them).
    public func register() async throws {
        try await heartbeat()
    }

    /// Heartbeats every ``heartbeatInterval`` until the task is cancelled; a failed round is logged and retried.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: heartbeatInterval)
            if Task.isCancelled { break }
            await round()
        }
    }

    /// One round: heartbeat with the current load, renew the leases, give back idle ones, take over the rooms of
    /// dead nodes when this node is the one to take them.
    public func round() async {
        do {
            try await heartbeat()
            try await renew(startedAt: clock.uptime)
            try await releaseIdle()
            try await takeOverExpired()
        } catch {
            metrics.heartbeatFailures.increment()
            logger.warning("cluster heartbeat failed", metadata: ["node": "\(node)", "error": "\(error)"])
        }
    }

    /// Removes this node and ends its leases (graceful shutdown): the others take its rooms over at their next
    /// round, rather than after the lease period. Not released one by one: a released room is nobody's to take
    /// over, and one created over REST would then be listed nowhere until its next join.
    public func leave() async {
        do {
            try await directory.deregister(node)
            logger.info("left the cluster", metadata: ["node": "\(node)", "handed_over": "\(held.count)"])
        } catch {
            logger.warning("leaving the cluster failed", metadata: ["node": "\(node)", "error": "\(error)"])
        }
        held = [:]
        metrics.held.record(0)
    }

    func heartbeat() async throws {
        let load = await local.load()
        try await directory.heartbeat(ClusterNode(id: node, advertiseURL: advertiseURL, load: load), ttl: ttl)
        lastSeenNodes = try await directory.liveNodes()
        metrics.record(nodes: lastSeenNodes)
    }

    /// Renews every lease the store has for this node and takes the result as the truth: a lease held here but
    /// not renewed went to another node (or lapsed) and is dropped, one assigned by another node is adopted.
    func renew(startedAt started: Duration) async throws {
        let renewed = try await directory.renewAll(held: node, ttl: ttl)
        let current = Dictionary(renewed.map { ($0.key, $0.epoch) }, uniquingKeysWith: max)
        // A lease acquired while the renewal was on its way is not in its answer, and not lost.
        let lost = held.filter { key, lease in current[key] != lease.epoch && lease.renewedAt < started }
        for (key, _) in lost { held[key] = nil }
        let adopted = renewed.filter { adopt($0, renewedAt: started) }
        for (key, lease) in lost {
            metrics.lost.increment()
            logger.warning(
                "room lease lost", metadata: ["key": "\(key)", "epoch": "\(lease.epoch)", "node": "\(node)"])
            await local.leaseLost(key)
        }
        // Assigned here by another node's placement: made ready as one placed here would be.
        for lease in adopted { await local.leaseAcquired(lease.key) }
    }

    /// A key unused here for a whole lease period is given back, so the next client places it afresh.
    func releaseIdle() async throws {
        let now = clock.uptime
        for (key, lease) in held {
            let active = await local.isActive(key)
            // The key may have been released or re-acquired while this node looked.
            guard let current = held[key], current.epoch == lease.epoch else { continue }
            if active {
                held[key]?.lastActive = now
                continue
            }
            guard now - current.lastActive >= ttl else { continue }
            held[key] = nil
            if try await directory.release(key, node: node, epoch: lease.epoch) {
                metrics.released.increment()
                logger.info("room lease released (idle)", metadata: ["key": "\(key)", "epoch": "\(lease.epoch)"])
            }
        }
        metrics.held.record(held.count)
    }

    /// Leases whose node stopped renewing are taken by the least loaded live node; only that node tries, so a
    /// healthy cluster writes once per orphaned room (and the store's conditional acquire settles any race).
    func takeOverExpired() async throws {
        let orphans = try await directory.expiredLeases()
        guard !orphans.isEmpty, lastSeenNodes.leastLoaded()?.id == node else { return }
        for orphan in orphans {
            let started = clock.uptime
            let lease = try await directory.acquire(orphan.key, for: node, ttl: ttl)
            guard lease.owner == node else { continue }
            metrics.takeovers.increment()
            logger.notice(
                "took over room from a dead node",
                metadata: ["key": "\(lease.key)", "from": "\(orphan.owner)", "epoch": "\(lease.epoch)"])
            await adoptPreparing(lease, renewedAt: started)
        }
    }
}
