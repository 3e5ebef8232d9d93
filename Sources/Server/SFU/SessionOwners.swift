import ParleyRooms

/// The room participant a session speaks for: the publisher of `room/{room}/{user}`, or the participant whose room
/// session token opened a player. Lets the plane end exactly that participant's sessions when it leaves the room.
public struct SessionOwner: Sendable, Hashable {
    public var room: RoomID
    public var user: UserID

    public init(room: RoomID, user: UserID) {
        self.room = room
        self.user = user
    }
}

/// Session ids by owner and back; confined to the media plane's loop with the sessions themselves.
struct SessionOwners {
    private var sessionsByOwner: [SessionOwner: Set<String>] = [:]
    private var ownerBySession: [String: SessionOwner] = [:]

    mutating func assign(_ id: String, to owner: SessionOwner) {
        forget(id)
        ownerBySession[id] = owner
        sessionsByOwner[owner, default: []].insert(id)
    }

    mutating func forget(_ id: String) {
        guard let owner = ownerBySession.removeValue(forKey: id) else { return }
        sessionsByOwner[owner]?.remove(id)
        if sessionsByOwner[owner]?.isEmpty == true { sessionsByOwner[owner] = nil }
    }

    func sessions(of owner: SessionOwner) -> Set<String> { sessionsByOwner[owner] ?? [] }

    func owner(of id: String) -> SessionOwner? { ownerBySession[id] }

    var isEmpty: Bool { ownerBySession.isEmpty }
}
