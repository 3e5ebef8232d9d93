import Foundation

extension InMemoryRoomDirectory {
    public func startStream(
        _ path: StreamPath, publisher: UserID?, room: RoomID?, codecs: [String], kinds: MediaKinds
    ) throws -> StreamInfo {
        guard streamStates[path] == nil else { throw RoomError.streamAlreadyPublished }
        var roomID = room
        var publisher = publisher
        if let scoped = path.roomScoped {
            // `room/{r}/{u}` is u's stream in room r: it cannot be filed under another room or publisher.
            guard room == nil || room == scoped.room else { throw RoomError.notPermitted }
            guard publisher == nil || publisher == scoped.user else { throw RoomError.notPermitted }
            roomID = scoped.room
            // Published for u by an admin credential: still u's while u is in the room, so u's leave ends it.
            if publisher == nil, roomStates[scoped.room]?.members[scoped.user] != nil { publisher = scoped.user }
        }
        if let roomID {
            guard let state = roomStates[roomID] else { throw RoomError.roomNotFound }
            if let publisher, state.members[publisher] == nil { throw RoomError.participantNotFound }
        }
        let info = StreamInfo(
            path: path, publisher: publisher, roomID: roomID, codecs: codecs, kinds: kinds, subscribers: 0,
            startedAt: clock.now)
        streamStates[path] = StreamState(info: info, sequence: nextSequence())
        emit(.streamStarted(info))
        if let roomID, let publisher, !kinds.isEmpty {
            _ = try? updateParticipant(roomID, publisher) { $0.media.raise(kinds) }
        }
        return info
    }

    public func stopStream(_ path: StreamPath) throws -> StreamInfo {
        guard let state = streamStates.removeValue(forKey: path) else { throw RoomError.streamNotFound }
        emit(.streamStopped(state.info))
        if let roomID = state.info.roomID, let publisher = state.info.publisher, !state.info.kinds.isEmpty {
            let stillLive = streamStates.values.reduce(into: MediaKinds()) { live, other in
                if other.info.roomID == roomID, other.info.publisher == publisher { live.formUnion(other.info.kinds) }
            }
            _ = try? updateParticipant(roomID, publisher) { $0.media.lower(state.info.kinds, stillLive: stillLive) }
        }
        return state.info
    }

    public func addSubscriber(_ path: StreamPath) throws -> StreamInfo {
        try changeSubscribers(path, by: 1)
    }

    /// Removing from a stream with no subscribers leaves it at 0 and emits nothing (a player torn down twice).
    public func removeSubscriber(_ path: StreamPath) throws -> StreamInfo {
        try changeSubscribers(path, by: -1)
    }

    public func streams() -> [StreamInfo] {
        streamsOrdered { _ in true }
    }

    public func stream(_ path: StreamPath) -> StreamInfo? {
        streamStates[path]?.info
    }

    // MARK: helpers

    private func changeSubscribers(_ path: StreamPath, by delta: Int) throws -> StreamInfo {
        guard var state = streamStates[path] else { throw RoomError.streamNotFound }
        let count = max(0, state.info.subscribers + delta)
        guard count != state.info.subscribers else { return state.info }
        state.info.subscribers = count
        streamStates[path] = state
        emit(.subscriberCountChanged(state.info))
        return state.info
    }

    /// Stops every matching stream in start order, emitting `streamStopped` for each.
    func stopStreams(where matches: (StreamInfo) -> Bool) {
        for info in streamsOrdered(where: matches) {
            streamStates[info.path] = nil
            emit(.streamStopped(info))
        }
    }
}
