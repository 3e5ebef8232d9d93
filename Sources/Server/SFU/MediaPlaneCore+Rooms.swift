import ParleyMedia
import ParleyRooms

/// Room media ends with the room (docs/contracts.md §Media and rooms): a participant's sessions end when it leaves
/// the room for any reason, every session on the room's paths ends with the meeting, and the players of a room
/// publication end with it. Paths outside `room/` keep their players across a publisher's reconnect.
extension MediaPlaneCore {
    func assign(_ id: String, to owner: SessionOwner) -> Bool {
        guard sessions[id] != nil else { return false }
        owners.assign(id, to: owner)
        return true
    }

    /// Ends every session `owner` opened. Only players tell `onSessionEnded`: the registry already stopped the
    /// participant's streams, and a path-based stop now could hit a stream that was started on that path since.
    func closeSessions(of owner: SessionOwner, now: MediaTime, reason: String) -> Int {
        var closed = 0
        for id in owners.sessions(of: owner) {
            let notify = sessions[id]?.kind == .subscriber
            if close(id, now: now, reason: reason, notify: notify) != nil { closed += 1 }
        }
        return closed
    }

    /// Ends every session on a path of `room` (`room/{room}/…`): the meeting ended or the room was removed.
    func closeSessions(inRoom room: RoomID, now: MediaTime, reason: String) -> Int {
        let prefix = "\(StreamPath.roomPrefix)/\(room.rawValue)/"
        let ids = sessions.values.filter { $0.path.hasPrefix(prefix) }.map(\.id)
        var closed = 0
        for id in ids {
            let notify = sessions[id]?.kind == .subscriber
            if close(id, now: now, reason: reason, notify: notify) != nil { closed += 1 }
        }
        return closed
    }

    /// Called by `close` when a session has just ended: forgets its owner and, for the publisher of a room path,
    /// ends its players (a room's clients re-subscribe on the next `publish`).
    func sessionClosed(_ session: SFUSession, now: MediaTime) {
        owners.forget(session.id)
        guard session.kind == .publisher, Self.endsPlayersWithPublisher(session.path),
            let players = subscribersByPath[session.path]
        else { return }
        for id in players { close(id, now: now, reason: "its room publication ended") }
    }

    static func endsPlayersWithPublisher(_ path: String) -> Bool {
        path.hasPrefix(StreamPath.roomPrefix + "/")
    }
}
