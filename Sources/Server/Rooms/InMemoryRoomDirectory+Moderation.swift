import Foundation

extension InMemoryRoomDirectory {
    /// Locking refuses new joins (except admin credentials); participants already in stay. Locking a locked room
    /// changes nothing and emits nothing (as MiroTalk broadcasts `lock` only when not already locked).
    public func lock(_ id: RoomID, by moderator: Moderator) throws -> RoomSnapshot {
        try setLocked(true, id, by: moderator)
    }

    public func unlock(_ id: RoomID, by moderator: Moderator) throws -> RoomSnapshot {
        try setLocked(false, id, by: moderator)
    }

    public func end(_ id: RoomID, by moderator: Moderator) throws -> RoomSnapshot {
        try requireModerator(moderator, in: id)
        guard let state = roomStates[id] else { throw RoomError.roomNotFound }
        let final = snapshot(of: state)
        // `ended` first, so every session learns why before it sees itself leave.
        emit(.ended(id, by: moderator))
        for user in state.order {
            _ = removeParticipant(user, from: id, reason: .ended(by: moderator))
        }
        removeRoom(id, reason: .ended(by: moderator))
        return final
    }

    public func deleteRoom(_ id: RoomID) throws -> RoomSnapshot {
        try end(id, by: .rest)
    }

    private func setLocked(_ locked: Bool, _ id: RoomID, by moderator: Moderator) throws -> RoomSnapshot {
        try requireModerator(moderator, in: id)
        guard var state = roomStates[id] else { throw RoomError.roomNotFound }
        guard state.locked != locked else { return snapshot(of: state) }
        state.locked = locked
        roomStates[id] = state
        emit(locked ? .locked(id, by: moderator) : .unlocked(id, by: moderator))
        return snapshot(of: state)
    }
}
