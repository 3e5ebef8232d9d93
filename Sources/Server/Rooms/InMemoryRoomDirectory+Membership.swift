import Foundation

extension InMemoryRoomDirectory {
    public func joinRoom(_ id: RoomID, _ request: JoinRequest, createIfMissing: Bool) throws -> JoinResult {
        // Decide everything against the existing room, or the ad-hoc room the join would create, before changing
        // anything: a refused join leaves no room, no participant and no event behind.
        let existing = roomStates[id]
        guard existing != nil || createIfMissing else { throw RoomError.roomNotFound }
        guard request.hasValidName else { throw RoomError.invalidName }
        var state =
            existing
            ?? RoomState(
                id: id, settings: RoomSettings(), origin: .adHoc, createdAt: clock.now,
                sequence: 0)
        if !request.bypassRestrictions {
            if let password = state.settings.password, !RoomPassword.matches(request.password, password) {
                throw RoomError.wrongPassword
            }
            if state.locked { throw RoomError.roomLocked }
        }
        guard state.members.count < capacity(of: state.settings) else { throw RoomError.roomFull }
        guard state.members[request.userID] == nil else { throw RoomError.duplicateUser }

        let created = existing == nil
        if created {
            state = RoomState(
                id: id, settings: state.settings, origin: .adHoc, createdAt: state.createdAt,
                sequence: nextSequence())
            roomStates[id] = state
            emit(.roomCreated(snapshot(of: state)))
        }
        let role: Role
        if request.bypassRestrictions {
            role = .host
        } else if request.asPresenter || (policy.firstIsPresenter && state.origin == .adHoc && state.members.isEmpty) {
            // Only an ad-hoc room belongs to whoever opens it (docs/contracts.md §Who may do what); a room created over
            // an API gets its presenters from tokens, or it would go to the first anonymous visitor.
            role = .presenter
        } else {
            role = .participant
        }
        let participant = Participant(
            userID: request.userID, name: request.name, role: role, media: request.media,
            os: request.os, browser: request.browser,
            chatMuted: state.settings.chatMutedOnJoin && !role.isModerator,
            joinedAt: clock.now)
        state.order.append(request.userID)
        state.members[request.userID] = participant
        roomStates[id] = state
        emit(.participantJoined(id, participant))
        return JoinResult(participant: participant, room: snapshot(of: state), createdRoom: created)
    }

    public func leave(_ id: RoomID, _ user: UserID, reason: LeaveReason) throws -> Participant {
        guard roomStates[id] != nil else { throw RoomError.roomNotFound }
        guard let removed = removeParticipant(user, from: id, reason: reason) else {
            throw RoomError.participantNotFound
        }
        removeIfAbandoned(id)
        return removed
    }

    public func kick(_ id: RoomID, _ user: UserID, by moderator: Moderator) throws -> Participant {
        try requireModerator(moderator, in: id)
        guard let removed = removeParticipant(user, from: id, reason: .kicked(by: moderator)) else {
            throw RoomError.participantNotFound
        }
        removeIfAbandoned(id)
        return removed
    }

    public func setChatMuted(_ id: RoomID, _ user: UserID, muted: Bool, by moderator: Moderator) throws
        -> Participant
    {
        try requireModerator(moderator, in: id)
        guard var participant = roomStates[id]?.members[user] else { throw RoomError.participantNotFound }
        guard participant.chatMuted != muted else { return participant }
        participant.chatMuted = muted
        roomStates[id]?.members[user] = participant
        emit(.chatMuteChanged(id, user, muted: muted, by: moderator))
        return participant
    }

    public func setRole(_ id: RoomID, _ user: UserID, role: Role, by moderator: Moderator) throws -> Participant {
        try requireModerator(moderator, in: id)
        return try updateParticipant(id, user) { $0.role = role }
    }

    public func updateMedia(
        _ id: RoomID, _ user: UserID,
        _ change: @escaping @Sendable (inout MediaFlags) -> Void
    ) throws -> Participant {
        try updateParticipant(id, user) { change(&$0.media) }
    }

    // MARK: helpers shared with moderation

    /// Applies `change` and emits `participantUpdated` only when something actually changed.
    func updateParticipant(_ id: RoomID, _ user: UserID, _ change: (inout Participant) -> Void) throws
        -> Participant
    {
        guard let state = roomStates[id] else { throw RoomError.roomNotFound }
        guard let current = state.members[user] else { throw RoomError.participantNotFound }
        var updated = current
        change(&updated)
        guard updated != current else { return current }
        roomStates[id]?.members[user] = updated
        emit(.participantUpdated(id, updated))
        return updated
    }

    /// ``Moderator/api(_:)`` is always permitted (the API face checked its credential); a user must be a moderator
    /// present in this room.
    func requireModerator(_ moderator: Moderator, in id: RoomID) throws {
        guard let state = roomStates[id] else { throw RoomError.roomNotFound }
        if case .user(let actor) = moderator {
            guard state.members[actor]?.isPresenter == true else { throw RoomError.notPermitted }
        }
    }

    /// Stops the participant's streams in this room, removes it and emits `participantLeft`. Nil when absent.
    func removeParticipant(_ user: UserID, from id: RoomID, reason: LeaveReason) -> Participant? {
        guard var state = roomStates[id], let removed = state.members.removeValue(forKey: user) else { return nil }
        state.order.removeAll { $0 == user }
        roomStates[id] = state
        stopStreams { $0.roomID == id && $0.publisher == user }
        emit(.participantLeft(id, user, reason: reason))
        return removed
    }

    /// An ad-hoc room without participants goes away.
    func removeIfAbandoned(_ id: RoomID) {
        guard let state = roomStates[id], state.origin == .adHoc, state.members.isEmpty else { return }
        removeRoom(id, reason: .empty)
    }

    /// Stops the room's remaining streams, forgets the room and emits `roomRemoved`.
    func removeRoom(_ id: RoomID, reason: RoomRemovalReason) {
        stopStreams { $0.roomID == id }
        roomStates[id] = nil
        emit(.roomRemoved(id, reason: reason))
    }
}
