import Metrics

/// The cluster series in `/metrics`: this node's lease activity, and every live node's load as last heartbeat
/// reported it (`node` label; a node that is gone is removed, so the series stay bounded by the live nodes).
final class ClusterMetrics: @unchecked Sendable {
    let nodes = Gauge(label: "parley_cluster_nodes")
    let held = Gauge(label: "parley_cluster_leases_held")
    let acquired = Counter(label: "parley_cluster_leases_acquired_total")
    let released = Counter(label: "parley_cluster_leases_released_total")
    let lost = Counter(label: "parley_cluster_leases_lost_total")
    let takeovers = Counter(label: "parley_cluster_takeovers_total")
    let heartbeatFailures = Counter(label: "parley_cluster_heartbeat_failures_total")

    struct NodeGauges {
        let rooms: Gauge
        let participants: Gauge
        let sessions: Gauge

        init(_ node: NodeID) {
            let dimensions = [("node", node.rawValue)]
            rooms = Gauge(label: "parley_cluster_node_rooms", dimensions: dimensions)
            participants = Gauge(label: "parley_cluster_node_participants", dimensions: dimensions)
            sessions = Gauge(label: "parley_cluster_node_sessions", dimensions: dimensions)
        }

        func destroy() {
            rooms.destroy()
            participants.destroy()
            sessions.destroy()
        }
    }

    /// Touched only from the member's actor.
    private var perNode: [NodeID: NodeGauges] = [:]

    func record(nodes live: [ClusterNode]) {
        nodes.record(live.count)
        let ids = Set(live.map(\.id))
        for (id, gauges) in perNode where !ids.contains(id) {
            gauges.destroy()
            perNode[id] = nil
        }
        for node in live {
            let gauges = perNode[node.id] ?? NodeGauges(node.id)
            perNode[node.id] = gauges
            gauges.rooms.record(node.load.rooms)
            gauges.participants.record(node.load.participants)
            gauges.sessions.record(node.load.sessions)
        }
    }
}
