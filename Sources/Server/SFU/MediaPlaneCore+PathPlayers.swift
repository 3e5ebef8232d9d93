/// Per-path player lists (``PathPlayers``): one per stream path while any session uses it.
extension MediaPlaneCore {
    func pathPlayers(for path: String) -> PathPlayers {
        if let existing = playersByPath[path] { return existing }
        let created = PathPlayers()
        playersByPath[path] = created
        return created
    }

    /// Joins a new session to its path's list (a player is fanned out to; a publisher only holds the list).
    func attachToPath(_ session: SFUSession) {
        let players = pathPlayers(for: session.path)
        session.pathPlayers = players
        if session.kind == .subscriber { players.add(session) }
    }

    /// Takes a closed session off its path's list, and drops the list once the path has no session left.
    func detachFromPath(_ session: SFUSession) {
        if session.kind == .subscriber { session.pathPlayers?.remove(session) }
        if publisherByPath[session.path] == nil, subscribersByPath[session.path] == nil {
            playersByPath[session.path] = nil
        }
    }
}
