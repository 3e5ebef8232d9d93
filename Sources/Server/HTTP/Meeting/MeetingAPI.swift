import Foundation
import Hummingbird
import ParleyRooms
import ParleyStore
import ParleyTime

/// The routes' shared state: the registry, the store and where recordings live.
struct MeetingAPI: Sendable {
    static let prefix = "/meeting/api"

    let rooms: any RoomDirectory
    /// The whole service's rooms for the list and stats (this node's alone without a cluster).
    let serviceView: ServiceWideView
    /// Rooms, templates and reservations: SQLite on one node, PostgreSQL in cluster mode (``ParleyServices/stores``).
    let rows: any MeetingRowStore
    /// The recordings catalogue (SQLite).
    let store: MeetingStore
    let recordingsDirectory: URL
    let recorder: Recorder
    /// Verifies a presenter's room `session_token` on the recording routes.
    let sessionTokens: RoomSessionTokens
    /// The credential in `play` URLs (a `<video>` element sends no `Authorization`).
    let playTokens: RecordingPlayTokens
    let publicURL: String
    /// `rooms.max_participants`: a room or template may ask for less, never more.
    let maxParticipantsCap: Int
    /// Decides "in the past" for reservations, stamps stored rows and measures uptime.
    let clock: any ServerClock
    /// The room list's memory of stored creation times (one per server: ``MeetingFace`` makes one API).
    let creationTimes = StoredRoomCreationTimes()

    init(services: ParleyServices) {
        rooms = services.rooms
        serviceView = ServiceWideView(services: services)
        rows = services.stores.meetings
        store = MeetingStore(database: services.database)
        recordingsDirectory = URL(
            fileURLWithPath: services.config.recording.directory(dataDir: services.config.dataDir))
        recorder = services.recorder
        playTokens = RecordingPlayTokens(secret: services.secrets.authSecret, clock: services.clock)
        sessionTokens = RoomSessionTokens(
            secret: services.secrets.authSecret, lifetime: TimeInterval(services.config.rooms.sessionTokenExpire),
            clock: services.clock)
        publicURL = services.config.http.publicURL
        maxParticipantsCap = max(1, services.config.rooms.maxParticipants)
        clock = services.clock
    }

    static func settings(of record: MeetingRoomRecord) -> RoomSettings {
        RoomSettings(
            name: record.name, password: record.password, maxParticipants: record.maxParticipants,
            templateID: record.templateID, chatMutedOnJoin: record.chatMutedOnJoin, lobby: record.lobby,
            recordOnStart: record.recordOnStart)
    }

    /// Runs a store operation; an unexpected database failure becomes a logged 500 envelope.
    func stored<T>(_ operation: () throws -> T) throws -> T {
        do {
            return try operation()
        } catch {
            throw Self.storageFailure(error)
        }
    }

    /// ``stored(_:)`` for the storage seam's asynchronous calls.
    func fromStore<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch {
            throw Self.storageFailure(error)
        }
    }

    /// A store's failure as the API answers it: its own errors mapped, anything unexpected a 500 envelope.
    static func storageFailure(_ error: any Error) -> MonibucaError {
        switch error {
        case let error as MonibucaError: error
        case let error as MeetingStoreError: map(error)
        default: MonibucaError(.internalServerError, "storage error: \(error)")
        }
    }

    static func map(_ error: MeetingStoreError) -> MonibucaError {
        switch error {
        case .duplicateTemplateName: MonibucaError(.conflict, "field 'name': a template with this name already exists")
        case .templateNotFound: MonibucaError.notFound("field 'template_id': no such template")
        case .reservationOverlap(let id):
            MonibucaError(.conflict, "field 'start_time': overlaps reservation \(id) in the same room")
        case .recordingNotFound: MonibucaError.notFound("recording not found")
        }
    }

    static func map(_ error: RoomError) -> MonibucaError {
        switch error {
        case .roomNotFound: .notFound("room not found")
        case .participantNotFound: .notFound("user not found in this room")
        case .roomAlreadyExists: MonibucaError(.conflict, "field 'room_id': a room with this id already exists")
        case .invalidIdentifier: .badRequest("identifiers must match [A-Za-z0-9._~-]{1,64}")
        case .invalidSettings: .badRequest("invalid room settings")
        default: MonibucaError(.conflict, error.reason)
        }
    }

    /// A registry call with ``RoomError`` mapped to envelopes.
    func registry<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as RoomError {
            throw Self.map(error)
        }
    }

    // MARK: identifiers

    /// The `{name}` path parameter as a room id (400 when outside `[A-Za-z0-9._~-]{1,64}`).
    static func roomID(_ context: ParleyRequestContext, _ name: String = "room_id") throws(MonibucaError) -> RoomID {
        guard let raw = context.parameters.get(name), let decoded = raw.removingPercentEncoding,
            let id = RoomID(decoded)
        else {
            throw .badRequest("path '\(name)' must match [A-Za-z0-9._~-]{1,64}")
        }
        return id
    }

    /// An opaque id from the path (400 unless it could be one of ours, so odd characters never reach SQL or disk).
    static func opaqueID(_ context: ParleyRequestContext, _ name: String = "id") throws(MonibucaError) -> String {
        guard let raw = context.parameters.get(name), let decoded = raw.removingPercentEncoding,
            IdentifierGrammar.isValid(decoded)
        else {
            throw .badRequest("path '\(name)' must match [A-Za-z0-9._~-]{1,64}")
        }
        return decoded
    }

    static func bodyRoomID(_ body: MeetingBody, _ field: String = "room_id") throws(MonibucaError) -> RoomID {
        let raw = try body.requiredString(field)
        guard let id = RoomID(raw) else { throw MeetingBody.invalid(field, "must match [A-Za-z0-9._~-]{1,64}") }
        return id
    }

    static func bodyUserID(_ body: MeetingBody, _ field: String = "user_id") throws(MonibucaError) -> UserID {
        let raw = try body.requiredString(field)
        guard let id = UserID(raw) else { throw MeetingBody.invalid(field, "must match [A-Za-z0-9._~-]{1,64}") }
        return id
    }

    /// Query parameter `room_id`, if given (400 when malformed).
    static func roomFilter(_ request: Request) throws(MonibucaError) -> RoomID? {
        guard let raw = request.uri.queryParameters.get("room_id") else { return nil }
        guard let id = RoomID(raw) else { throw .badRequest("query 'room_id' must match [A-Za-z0-9._~-]{1,64}") }
        return id
    }
}
