/// Per-path counters (``MediaPathMetrics``): one set per stream path while any session uses it, shared by
/// reference with its sessions so the packet path increments without a lookup.
extension MediaPlaneCore {
    func pathMetrics(for path: String) -> MediaPathMetrics {
        if let existing = metricsByPath[path] { return existing }
        let created = MediaPathMetrics(path: path)
        metricsByPath[path] = created
        return created
    }

    /// After a session of `path` opened or closed: the player count, and the series removed once the path has
    /// no session left.
    func pathSessionsChanged(_ path: String) {
        guard let metrics = metricsByPath[path] else { return }
        let players = subscribersByPath[path]?.count ?? 0
        if publisherByPath[path] == nil, players == 0 {
            metrics.unregister()
            metricsByPath[path] = nil
        } else {
            metrics.players.record(players)
        }
    }
}
