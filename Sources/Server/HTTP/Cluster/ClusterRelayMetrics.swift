import Metrics

/// Relay counters on `/metrics`: `parley_cluster_relayed_sockets_total{outcome="relayed"|"unavailable"}` (room
/// sockets this node relayed to another owner, or closed 4105 because it could not), `parley_cluster_relayed_sockets`
/// (open now), and `parley_cluster_forwarded_requests_total{outcome="answered"|"failed"}` (REST moderation sent to
/// an owner; "answered" whatever its status).
enum ClusterRelayMetrics {
    static let relayed = Counter(label: "parley_cluster_relayed_sockets_total", dimensions: [("outcome", "relayed")])
    static let unavailable = Counter(
        label: "parley_cluster_relayed_sockets_total", dimensions: [("outcome", "unavailable")])
    static let open = Gauge(label: "parley_cluster_relayed_sockets")
    static let answered = Counter(
        label: "parley_cluster_forwarded_requests_total", dimensions: [("outcome", "answered")])
    static let failed = Counter(label: "parley_cluster_forwarded_requests_total", dimensions: [("outcome", "failed")])
}
