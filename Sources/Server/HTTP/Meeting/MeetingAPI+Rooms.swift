import Foundation
import Hummingbird
import ParleyRooms
import ParleyStore

/// Rooms: list, create, summary (and the legacy `/room/{room_id}` alias), delete, users, lock and unlock.
extension MeetingAPI {
    static let roomFields: Set<String> = [
        "room_id", "name", "password", "template_id", "max_participants", "lobby", "chat_muted_on_join",
        "record_on_start",
    ]

    func registerRooms(on router: some RouterMethods<ParleyRequestContext>) {
        let p = Self.prefix
        router.get("\(p)/rooms") { _, _ in try await listRooms().envelopeResponse() }
        router.post("\(p)/rooms") { request, context in
            try MeetingReply.ok(try await createRoom(request, context: context))
        }
        for path in ["\(p)/rooms/:room_id", "\(p)/room/:room_id"] {
            router.get(RouterPath(path)) { _, context in
                try MeetingReply.ok(try await roomDetail(try Self.roomID(context)))
            }
        }
        router.delete("\(p)/rooms/:room_id") { _, context in
            try MeetingReply.ok(try await deleteRoom(try Self.roomID(context)))
        }
        router.get("\(p)/rooms/:room_id/users") { _, context in
            let id = try Self.roomID(context)
            guard let room = await rooms.room(id) else { throw MonibucaError.notFound("room not found") }
            let users = room.participants.map(MeetingModels.Participant.init)
            return try MeetingReply.ok(MeetingModels.Users(room_id: id.rawValue, total: users.count, users: users))
        }
        router.post("\(p)/rooms/:room_id/lock") { _, context in
            let id = try Self.roomID(context)
            let room = try await registry { try await rooms.lock(id, by: MeetingFace.moderator) }
            return try MeetingReply.ok(try await summary(room))
        }
        router.post("\(p)/rooms/:room_id/unlock") { _, context in
            let id = try Self.roomID(context)
            let room = try await registry { try await rooms.unlock(id, by: MeetingFace.moderator) }
            return try MeetingReply.ok(try await summary(room))
        }
    }

    /// Stored creation times: a restored room keeps the time it was first created.
    func storedCreationTimes() async throws -> [String: Date] {
        try await fromStore { try await rows.roomCreationTimes() }
    }

    func summary(_ room: RoomSnapshot) async throws -> MeetingModels.Room {
        let created =
            room.origin == .rest ? try await fromStore { try await rows.roomCreationTime(room.id.rawValue) } : nil
        return MeetingModels.Room(room, createdAt: created)
    }

    func listRooms() async throws -> MeetingRoomListing {
        let live = await serviceView.allRooms()
        let created = try await creationTimes.createdAt(of: live) { try await storedCreationTimes() }
        return MeetingRoomListing(rooms: live, createdAt: created)
    }

    func roomDetail(_ id: RoomID) async throws -> MeetingModels.RoomDetail {
        guard let room = await rooms.room(id) else { throw MonibucaError.notFound("room not found") }
        var template: MeetingTemplateRecord?
        if let templateID = room.settings.templateID {
            template = try await fromStore { try await rows.template(templateID) }
        }
        return MeetingModels.RoomDetail(
            room: try await summary(room),
            participants: room.participants.map(MeetingModels.Participant.init),
            streams: room.streams.map(MeetingModels.Stream.init),
            template: Nullable(template.map(MeetingModels.Template.init)))
    }

    /// Creates a persistent room. A template's settings apply where the body gives none. The room exists in the
    /// registry before its row is written; if the write fails the room is removed again, so nothing is half-made.
    func createRoom(_ request: Request, context: ParleyRequestContext) async throws -> MeetingModels.RoomDetail {
        let body = try await MeetingBody.read(request, context: context, allowed: Self.roomFields)
        let id = try Self.bodyRoomID(body)
        let name = try body.text("name", required: false, maxLength: 256)
        let password = try body.text("password", required: false, maxLength: 128)
        let maxParticipants = try body.int("max_participants", in: 1...maxParticipantsCap)
        let lobby = try body.bool("lobby")
        let chatMuted = try body.bool("chat_muted_on_join")
        let recordOnStart = try body.bool("record_on_start")
        var template: MeetingTemplateRecord?
        if let templateID = try body.string("template_id") {
            guard IdentifierGrammar.isValid(templateID) else {
                throw MeetingBody.invalid("template_id", "must match [A-Za-z0-9._~-]{1,64}")
            }
            // A well-formed id naming no template: the referenced resource is what is missing (404, as documented).
            guard let found = try await fromStore({ try await rows.template(templateID) }) else {
                throw MonibucaError.notFound("field 'template_id': no such template")
            }
            template = found
        }
        let settings = RoomSettings(
            name: name ?? "", password: password,
            maxParticipants: (maxParticipants ?? template?.maxParticipants).map { min($0, maxParticipantsCap) },
            templateID: template?.id, chatMutedOnJoin: chatMuted ?? template?.chatMutedOnJoin ?? false,
            lobby: lobby ?? template?.lobby ?? false, recordOnStart: recordOnStart ?? template?.recordOnStart ?? false)
        let room = try await registry { try await rooms.createRoom(id, settings: settings, origin: .rest) }
        let record = MeetingRoomRecord(
            roomID: id.rawValue, name: settings.name, password: settings.password,
            maxParticipants: settings.maxParticipants, templateID: settings.templateID,
            lobby: settings.lobby, chatMutedOnJoin: settings.chatMutedOnJoin,
            recordOnStart: settings.recordOnStart, createdAt: room.createdAt)
        do {
            try await rows.saveRoom(record)
        } catch {
            _ = try? await rooms.deleteRoom(id)
            throw MonibucaError(.internalServerError, "storage error: \(error)")
        }
        return MeetingModels.RoomDetail(
            room: MeetingModels.Room(room), participants: [], streams: [],
            template: Nullable(template.map(MeetingModels.Template.init)))
    }

    /// Ends every live session of the room (as MiroTalk's DELETE does), removes it and forgets it. The one way a
    /// scheduled room goes: `end` (socket or MiroTalk) only ends its meeting.
    func deleteRoom(_ id: RoomID) async throws -> MeetingModels.Room {
        let created = try await fromStore { try await rows.roomCreationTime(id.rawValue) }
        let ended: RoomSnapshot
        do {
            ended = try await rooms.deleteRoom(id, by: MeetingFace.moderator)
        } catch let error as RoomError {
            throw Self.map(error)
        }
        try await fromStore { try await rows.deleteRoom(id.rawValue) }
        return MeetingModels.Room(ended, createdAt: created)
    }
}
