import Foundation
import Hummingbird
import ParleyCluster
import ParleyRooms
import ParleyStore
import ParleyTime

/// The Monibuca Meeting plugin's REST API under `/meeting/api` (seed 004 "Meeting REST"; no public implementation
/// exists, so `spec/meeting.yaml` is the reference). Rooms, control and stats act on the shared live registry, so
/// a room made here is one MiroTalk's `/api/v1/stats` counts; rooms, templates, reservations and the recordings
/// catalogue are kept in SQLite. Envelope, JWT and CORS come from ``MonibucaCoreFace``'s middleware.
public struct MeetingFace: APIFace {
    /// The name moderation events carry when an action came through this API.
    static let moderator = Moderator.api("meeting-api")

    public init() {}

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        let api = MeetingAPI(services: services)
        MeetingRoomSync.start(
            rooms: services.rooms, store: api.rows, clock: services.clock,
            logger: services.logger)
        let routes = MethodRecordingRouter(router)
        api.registerRooms(on: routes)
        api.registerControl(on: routes)
        api.registerStats(on: routes)
        api.registerTemplates(on: routes)
        api.registerReservations(on: routes)
        api.registerRecordings(on: routes)
        MeetingOpenAPI().register(on: routes)
        routes.refuseOtherMethods()
    }

    /// Re-creates the rooms stored by `POST /meeting/api/rooms` in the live registry; call once at start-up, before
    /// serving. Returns how many were restored (a room already live is left as it is).
    @discardableResult
    public static func restoreRooms(services: ParleyServices) async throws -> Int {
        var restored = 0
        for record in try await services.stores.meetings.rooms() {
            guard let id = RoomID(record.roomID) else {
                services.logger.warning(
                    "skipping stored room with an invalid id", metadata: ["room_id": "\(record.roomID)"])
                continue
            }
            // In a cluster a stored room is live on one node only: this one restores it when it can take the
            // room's lease; a room another live node owns stays there (its relay serves it from here), and one
            // whose lease cannot be asked for now is restored by whichever node it is placed on later.
            if let cluster = services.cluster {
                do {
                    guard case .local = try await cluster.claim(.room(id)) else { continue }
                } catch {
                    services.logger.warning(
                        "stored room not restored: the cluster directory did not answer",
                        metadata: ["room_id": "\(record.roomID)", "error": "\(error)"])
                    continue
                }
            }
            do {
                _ = try await services.rooms.createRoom(id, settings: MeetingAPI.settings(of: record), origin: .rest)
                restored += 1
            } catch RoomError.roomAlreadyExists {
                continue
            }
        }
        services.logger.info("meeting rooms restored", metadata: ["count": "\(restored)"])
        return restored
    }
}
