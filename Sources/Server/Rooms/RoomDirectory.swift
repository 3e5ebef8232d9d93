import Foundation

/// The outcome of a successful join, taken atomically: the participant as admitted and the room just after.
/// A caller that subscribed to ``RoomDirectory/events()`` before joining can treat every later event as newer
/// than ``room``.
public struct JoinResult: Sendable, Hashable {
    public var participant: Participant
    public var room: RoomSnapshot
    /// The join created the room (ad-hoc).
    public var createdRoom: Bool

    public init(participant: Participant, room: RoomSnapshot, createdRoom: Bool) {
        self.participant = participant
        self.room = room
        self.createdRoom = createdRoom
    }
}

/// The live room registry every API face shares (docs/architecture.md §One registry, many faces).
///
/// Deliberately small, value-typed and `async`, so that the in-process ``InMemoryRoomDirectory`` can later give way
/// to a shared multi-node directory without changing the faces. Every refused operation throws a ``RoomError``,
/// changes nothing and emits no event.
public protocol RoomDirectory: Sendable {
    // MARK: rooms
    /// Creates a room; ``RoomError/roomAlreadyExists`` if the id is live, ``RoomError/invalidSettings``.
    func createRoom(_ id: RoomID, settings: RoomSettings, origin: RoomOrigin) async throws -> RoomSnapshot
    func room(_ id: RoomID) async -> RoomSnapshot?
    /// Live rooms in creation order.
    func rooms() async -> [RoomSnapshot]
    /// Replaces the room's settings (participants already in stay, even above a lowered capacity).
    func updateSettings(_ id: RoomID, _ settings: RoomSettings) async throws -> RoomSnapshot

    // MARK: participants
    /// Admits a participant. Refusals, checked in this order: invalid (``RoomError/roomNotFound`` without
    /// `createIfMissing`, ``RoomError/invalidName``) → ``RoomError/wrongPassword`` → ``RoomError/roomLocked`` →
    /// ``RoomError/roomFull`` → ``RoomError/duplicateUser``.
    func joinRoom(_ id: RoomID, _ request: JoinRequest, createIfMissing: Bool) async throws -> JoinResult
    /// Removes a participant; the last one out of an ad-hoc room removes the room.
    func leave(_ id: RoomID, _ user: UserID, reason: LeaveReason) async throws -> Participant
    /// A moderator removes a participant (event reason `.kicked(by:)`).
    func kick(_ id: RoomID, _ user: UserID, by: Moderator) async throws -> Participant
    func setChatMuted(_ id: RoomID, _ user: UserID, muted: Bool, by: Moderator) async throws -> Participant
    /// A moderator grants or withdraws presenter rights (MiroTalk `setPresenterRole`).
    func setRole(_ id: RoomID, _ user: UserID, role: Role, by: Moderator) async throws -> Participant
    /// The participant's own media/hand flags change.
    func updateMedia(
        _ id: RoomID, _ user: UserID,
        _ change: @escaping @Sendable (inout MediaFlags) -> Void
    ) async throws -> Participant

    // MARK: moderation
    func lock(_ id: RoomID, by: Moderator) async throws -> RoomSnapshot
    func unlock(_ id: RoomID, by: Moderator) async throws -> RoomSnapshot
    /// Ends the meeting: every session out (``RoomEvent/ended(_:by:)`` first). An ad-hoc room is then removed; a
    /// room created over an API (``RoomOrigin/rest``) stays, empty, until deleted. Returns the room as it was.
    func end(_ id: RoomID, by: Moderator) async throws -> RoomSnapshot
    /// Ends the meeting and removes the room whatever its origin. Only an API face (``Moderator/api(_:)``) may;
    /// a user gets ``RoomError/notPermitted``.
    func deleteRoom(_ id: RoomID, by: Moderator) async throws -> RoomSnapshot

    // MARK: streams
    /// Registers a live stream. A room-scoped path `room/{r}/{u}` (or `room/{r}/{u}/screen`) belongs to room `r`
    /// (which must exist) and, while `u` is in it, to publisher `u`; a given `room` must exist, and a given
    /// `publisher` must be a participant of the stream's room. The publisher's media flags rise for `kinds`.
    func startStream(
        _ path: StreamPath, publisher: UserID?, room: RoomID?, codecs: [String], kinds: MediaKinds
    ) async throws -> StreamInfo
    /// Unregisters a stream; its publisher's media flags of `kinds` no other live stream of it carries go down.
    func stopStream(_ path: StreamPath) async throws -> StreamInfo
    func addSubscriber(_ path: StreamPath) async throws -> StreamInfo
    func removeSubscriber(_ path: StreamPath) async throws -> StreamInfo
    /// Live streams in start order.
    func streams() async -> [StreamInfo]
    func stream(_ path: StreamPath) async -> StreamInfo?

    // MARK: observation
    func stats() async -> RegistryStats
    /// ``stats()`` without waiting, as published by the last completed change; nil when this directory cannot
    /// know them without asking (then callers use ``stats()``).
    var publishedStats: RegistryStats? { get }
    /// A new subscription: every event emitted after this call, in order. Ends when the consumer stops iterating
    /// (or, for an implementation that bounds buffers, when the consumer falls too far behind).
    func events() async -> AsyncStream<RoomEvent>
}

extension RoomDirectory {
    public var publishedStats: RegistryStats? { nil }

    /// Admits a participant (see ``joinRoom(_:_:createIfMissing:)``) and returns it.
    @discardableResult
    public func join(_ id: RoomID, _ request: JoinRequest, createIfMissing: Bool = false) async throws
        -> Participant
    {
        try await joinRoom(id, request, createIfMissing: createIfMissing).participant
    }

    /// Registers a stream that announces no media kinds (see ``startStream(_:publisher:room:codecs:kinds:)``).
    public func startStream(_ path: StreamPath, publisher: UserID?, room: RoomID?, codecs: [String]) async throws
        -> StreamInfo
    {
        try await startStream(path, publisher: publisher, room: room, codecs: codecs, kinds: [])
    }

    /// REST deletion by ``Moderator/rest``.
    public func deleteRoom(_ id: RoomID) async throws -> RoomSnapshot {
        try await deleteRoom(id, by: .rest)
    }
}
