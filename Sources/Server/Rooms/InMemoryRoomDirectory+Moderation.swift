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
        let final = endMeeting(state, by: moderator)
        // An ad-hoc room exists only for its meeting; a scheduled (API-created) room outlives it and goes only
        // through ``deleteRoom(_:by:)``, so a presenter can never remove what an administrator planned.
        if state.origin == .adHoc { removeRoom(id, reason: .ended(by: moderator)) }
        return final
    }

    public func deleteRoom(_ id: RoomID, by moderator: Moderator) throws -> RoomSnapshot {
        guard case .api = moderator else { throw RoomError.notPermitted }
        guard let state = roomStates[id] else { throw RoomError.roomNotFound }
        let final = endMeeting(state, by: moderator)
        removeRoom(id, reason: .ended(by: moderator))
        return final
    }

    /// `ended` first, so every session learns why before it sees itself leave; then everyone out in join order
    /// (their streams stop with them), then the room's other streams. Returns the room as it was.
    private func endMeeting(_ state: RoomState, by moderator: Moderator) -> RoomSnapshot {
        let final = snapshot(of: state)
        emit(.ended(state.id, by: moderator))
        for user in state.order {
            _ = removeParticipant(user, from: state.id, reason: .ended(by: moderator))
        }
        stopStreams { $0.roomID == state.id }
        return final
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
