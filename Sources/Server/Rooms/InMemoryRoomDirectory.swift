import Foundation
import ParleyTime

/// The single-process ``RoomDirectory``: one actor owns every room, participant and stream, so each operation is
/// atomic and events leave in exactly the order the changes happened.
public actor InMemoryRoomDirectory: RoomDirectory {
    /// One live room's mutable state.
    struct RoomState {
        let id: RoomID
        var settings: RoomSettings
        let origin: RoomOrigin
        var locked = false
        let createdAt: Date
        /// Creation order across the registry.
        let sequence: UInt64
        /// Join order.
        var order: [UserID] = []
        var members: [UserID: Participant] = [:]

        init(id: RoomID, settings: RoomSettings, origin: RoomOrigin, createdAt: Date, sequence: UInt64) {
            self.id = id
            self.settings = settings
            self.origin = origin
            self.createdAt = createdAt
            self.sequence = sequence
        }

        var participants: [Participant] { order.compactMap { members[$0] } }
    }

    struct StreamState {
        var info: StreamInfo
        /// Start order across the registry.
        let sequence: UInt64
    }

    public let policy: RoomPolicy
    let clock: any ServerClock
    let hub: EventHub
    // Every change to these republishes the counts (`didSet` without `oldValue` keeps mutations in place), so no
    // code path that changes rooms, members or streams can forget to.
    var roomStates: [RoomID: RoomState] = [:] { didSet { statsBoard.publish(stats()) } }
    var streamStates: [StreamPath: StreamState] = [:] { didSet { statsBoard.publish(stats()) } }
    /// ``stats()`` as of the last change, for readers that must not wait for the actor.
    public nonisolated let statsBoard = RegistryStatsBoard()
    private var sequenceCounter: UInt64 = 0

    /// - Parameters:
    ///   - eventBufferLimit: undelivered events a subscriber may accumulate before it is cut off (see `EventHub`).
    ///   - clock: the time of `createdAt`, `joinedAt` and `startedAt` (the server's one clock; tests drive their own).
    public init(
        policy: RoomPolicy = RoomPolicy(), eventBufferLimit: Int = 65_536,
        clock: any ServerClock = SystemClock()
    ) {
        self.policy = policy
        self.clock = clock
        self.hub = EventHub(bufferLimit: eventBufferLimit)
    }

    deinit {
        hub.finishAll()
    }

    // MARK: events

    public nonisolated func events() -> AsyncStream<RoomEvent> {
        hub.subscribe()
    }

    /// Live event subscriptions (for metrics and tests).
    public nonisolated var eventSubscriberCount: Int { hub.subscriberCount }

    func emit(_ event: RoomEvent) {
        hub.publish(event)
    }

    func nextSequence() -> UInt64 {
        sequenceCounter += 1
        return sequenceCounter
    }

    // MARK: rooms

    public func createRoom(_ id: RoomID, settings: RoomSettings, origin: RoomOrigin) throws -> RoomSnapshot {
        guard settings.isValid else { throw RoomError.invalidSettings }
        guard roomStates[id] == nil else { throw RoomError.roomAlreadyExists }
        let state = RoomState(
            id: id, settings: settings, origin: origin, createdAt: clock.now, sequence: nextSequence())
        roomStates[id] = state
        let created = snapshot(of: state)
        emit(.roomCreated(created))
        return created
    }

    public func room(_ id: RoomID) -> RoomSnapshot? {
        roomStates[id].map(snapshot(of:))
    }

    public func rooms() -> [RoomSnapshot] {
        // Sorts (sequence, position) pairs rather than the room states: moving 1,000 states (arrays, dictionaries,
        // strings) through a stable sort cost more than taking their snapshots.
        let states = roomStates.values
        var order: [(sequence: UInt64, position: Dictionary<RoomID, RoomState>.Index)] = []
        order.reserveCapacity(states.count)
        var position = states.startIndex
        while position != states.endIndex {
            order.append((states[position].sequence, position))
            states.formIndex(after: &position)
        }
        // Sequences are unique: there is one order.
        order.sort { $0.sequence < $1.sequence }
        return order.map { snapshot(of: states[$0.position]) }
    }

    public func updateSettings(_ id: RoomID, _ settings: RoomSettings) throws -> RoomSnapshot {
        guard var state = roomStates[id] else { throw RoomError.roomNotFound }
        guard settings.isValid else { throw RoomError.invalidSettings }
        guard state.settings != settings else { return snapshot(of: state) }
        state.settings = settings
        roomStates[id] = state
        emit(.settingsChanged(id, settings))
        return snapshot(of: state)
    }

    public nonisolated var publishedStats: RegistryStats? { statsBoard.stats }

    public func stats() -> RegistryStats {
        var stats = RegistryStats(rooms: roomStates.count, publishers: streamStates.count)
        for state in roomStates.values {
            stats.participants += state.members.count
            if state.locked { stats.lockedRooms += 1 }
        }
        stats.subscribers = streamStates.values.reduce(0) { $0 + $1.info.subscribers }
        return stats
    }

    // MARK: snapshots

    func capacity(of settings: RoomSettings) -> Int {
        settings.maxParticipants ?? policy.defaultMaxParticipants
    }

    func snapshot(of state: RoomState) -> RoomSnapshot {
        RoomSnapshot(
            id: state.id, settings: state.settings, origin: state.origin, locked: state.locked,
            createdAt: state.createdAt, participants: state.participants,
            // No stream anywhere (most lists): no filter, sort and map per room.
            streams: streamStates.isEmpty ? [] : streamsOrdered { $0.roomID == state.id },
            capacity: capacity(of: state.settings))
    }

    func streamsOrdered(where include: (StreamInfo) -> Bool) -> [StreamInfo] {
        streamStates.values.filter { include($0.info) }.sorted { $0.sequence < $1.sequence }.map(\.info)
    }
}
