import ParleyMedia

/// Session caps (`MediaPlaneLimits`): checked in O(1) before an offer is negotiated or any DTLS state exists,
/// and kept up to date as sessions connect and close.
extension MediaPlaneCore {
    /// Why a new session of `kind` on `path` from `source` cannot be opened now, or nil when it can.
    func admissionRefusal(kind: SessionKind, path: String, source: String?, now: MediaTime) -> MediaPlaneError? {
        let refusal = capReached(kind: kind, path: path, source: source, now: now)
        if refusal != nil { metrics.sessionsRefused.increment() }
        return refusal
    }

    func capReached(kind: SessionKind, path: String, source: String?, now: MediaTime) -> MediaPlaneError? {
        let onPath = (publisherByPath[path] == nil ? 0 : 1) + (subscribersByPath[path]?.count ?? 0)
        if kind == .subscriber, onPath >= limits.maxSessionsPerPath {
            return .overloaded(
                "stream path \(path) has \(onPath) sessions; at most \(limits.maxSessionsPerPath)",
                retryAfterSeconds: Self.wholeSeconds(limits.connectTimeout))
        }
        if let source, let pending = unconnectedBySource[source], pending.count >= limits.maxUnconnectedPerAddress {
            return .overloaded(
                "\(pending.count) sessions from \(source) have not connected yet; at most "
                    + "\(limits.maxUnconnectedPerAddress)",
                retryAfterSeconds: retryAfter(waitingFor: pending, now: now))
        }
        if unconnected.count >= limits.maxUnconnected {
            return .overloaded(
                "\(unconnected.count) sessions have not connected yet; at most \(limits.maxUnconnected)",
                retryAfterSeconds: retryAfter(waitingFor: unconnected, now: now))
        }
        return nil
    }

    /// A new session counts as unconnected until ICE and DTLS finish.
    func admit(_ session: SFUSession) {
        unconnected.insert(session.id)
        if let source = session.source { unconnectedBySource[source, default: []].insert(session.id) }
    }

    /// DTLS finished (after ICE): the session no longer counts against the unconnected caps.
    func markConnected(_ session: SFUSession) {
        session.connectDeadline = nil
        forgetUnconnected(session)
    }

    func forgetUnconnected(_ session: SFUSession) {
        guard unconnected.remove(session.id) != nil, let source = session.source else { return }
        unconnectedBySource[source]?.remove(session.id)
        if unconnectedBySource[source]?.isEmpty == true { unconnectedBySource[source] = nil }
    }

    /// Whole seconds until the first of `ids` reaches its connect deadline and frees a place (at least 1).
    /// Only runs on a refusal, over at most the capped number of sessions.
    func retryAfter(waitingFor ids: Set<String>, now: MediaTime) -> Int {
        let first = ids.compactMap { sessions[$0]?.connectDeadline }.min()
        return Self.wholeSeconds(first.map { now.duration(to: $0) } ?? limits.connectTimeout)
    }

    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(clamping: seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
