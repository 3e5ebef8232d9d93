/// The players of one stream path in the order they joined, shared by reference with every session of the path
/// (like ``MediaPathMetrics``), so a publisher's fan-out walks its audience without a lookup by path or by
/// session id per packet.
final class PathPlayers {
    private(set) var sessions: [SFUSession] = []

    func add(_ player: SFUSession) {
        sessions.append(player)
    }

    func remove(_ player: SFUSession) {
        guard let index = sessions.firstIndex(where: { $0 === player }) else { return }
        sessions.remove(at: index)
    }
}
