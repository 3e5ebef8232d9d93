import Foundation
import Hummingbird
import ParleyRooms

/// `POST /meeting/api/control/{mute,unmute,kick}` with `{room_id, user_id}`. These are the registry's moderation
/// operations: its events are how the room WebSocket refuses a muted user's chat, and how a kicked participant's
/// socket is closed and its media torn down.
extension MeetingAPI {
    static let controlFields: Set<String> = ["room_id", "user_id"]

    func registerControl(on router: some RouterMethods<ParleyRequestContext>) {
        for action in ["mute", "unmute", "kick"] {
            router.post(RouterPath("\(Self.prefix)/control/\(action)")) { request, context in
                let body = try await MeetingBody.read(request, context: context, allowed: Self.controlFields)
                let room = try Self.bodyRoomID(body)
                let user = try Self.bodyUserID(body)
                let participant = try await registry { () async throws -> Participant in
                    switch action {
                    case "kick": try await rooms.kick(room, user, by: MeetingFace.moderator)
                    default:
                        try await rooms.setChatMuted(room, user, muted: action == "mute", by: MeetingFace.moderator)
                    }
                }
                return try MeetingReply.ok(
                    MeetingModels.Control(
                        room_id: room.rawValue, action: action,
                        user: MeetingModels.Participant(participant)))
            }
        }
    }
}
