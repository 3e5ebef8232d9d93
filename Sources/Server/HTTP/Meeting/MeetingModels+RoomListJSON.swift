import Foundation
import Hummingbird
import NIOCore
import ParleyRooms

/// `GET /meeting/api/rooms` answers a list that grows with the registry (1,000 rooms: ~300 KB), so it is written
/// from the registry's snapshots straight into the response buffer rather than through ``MeetingModels/Room`` and
/// the envelope's `JSONEncoder`: the same bytes (members in `.sortedKeys` order, which `MeetingRoomListJSONTests`
/// checks against the encoder), a fraction of the time.
struct MeetingRoomListing {
    /// Live rooms in creation order.
    let rooms: [RoomSnapshot]
    /// The `created_at` of each room, index for index (a stored room keeps the time it was first created).
    let createdAt: [Date]

    init(rooms: [RoomSnapshot], createdAt: [Date]) {
        precondition(rooms.count == createdAt.count, "one creation time per room")
        self.rooms = rooms
        self.createdAt = createdAt
    }

    /// The same list as the encoder's models.
    var models: MeetingModels.RoomList {
        let list = zip(rooms, createdAt).map { MeetingModels.Room($0, createdAt: $1) }
        return MeetingModels.RoomList(total: list.count, rooms: list)
    }

    /// The list in the Monibuca success envelope, 200.
    func envelopeResponse() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: envelopeJSON()))
    }

    /// `{"code":0,"data":{"rooms":[...],"total":N},"message":"success"}`.
    func envelopeJSON() -> ByteBuffer {
        // One reservation for the whole list: the bound exceeds the text (escapes are rare), and the pages of a
        // large buffer that are never written are never touched.
        var bound = 64 + JSONOutput.integerBound
        for index in rooms.indices { bound += 1 + Self.bound(rooms[index], createdAt: createdAt[index]) }
        var json = JSONBufferWriter(capacity: bound)
        json.write(atMost: bound) { out in
            out.raw(#"{"code":0,"data":{"rooms":["#)
            var memo = JSONOutput.TimestampMemo()
            for index in rooms.indices {
                if index > 0 { out.byte(UInt8(ascii: ",")) }
                Self.write(rooms[index], createdAt: createdAt[index], to: &out, memo: &memo)
            }
            out.raw(#"],"total":"#)
            out.integer(rooms.count)
            out.raw(#"},"message":"success"}"#)
        }
        return json.buffer
    }

    /// Member names, punctuation, five booleans and three integers (counted: 277 bytes), plus the strings.
    static func bound(_ room: RoomSnapshot, createdAt: Date) -> Int {
        300 + JSONOutput.timestampBound(createdAt) + JSONOutput.bound(room.displayName)
            + JSONOutput.bound(room.origin.rawValue) + JSONOutput.bound(room.id.rawValue)
            + JSONOutput.bound(room.settings.templateID)
    }

    /// ``MeetingModels/Room``'s members in byte order of their names, as `.sortedKeys` writes them.
    static func write(
        _ room: RoomSnapshot, createdAt: Date, to out: inout JSONOutput, memo: inout JSONOutput.TimestampMemo
    ) {
        // A boolean is written with the member name before it: one literal instead of two.
        out.raw(room.settings.chatMutedOnJoin ? #"{"chat_muted_on_join":true"# : #"{"chat_muted_on_join":false"#)
        out.raw(#","created_at":"#)
        out.timestamp(createdAt, memo: &memo)
        out.raw(room.hasPassword ? #","has_password":true"# : #","has_password":false"#)
        out.raw(room.settings.lobby ? #","lobby":true"# : #","lobby":false"#)
        out.raw(room.locked ? #","locked":true,"max_participants":"# : #","locked":false,"max_participants":"#)
        out.integer(room.capacity)
        out.raw(#","name":"#)
        out.string(room.displayName)
        out.raw(#","origin":"#)
        out.string(room.origin.rawValue)
        out.raw(#","participant_count":"#)
        out.integer(room.participants.count)
        out.raw(
            room.settings.recordOnStart
                ? #","record_on_start":true,"room_id":"# : #","record_on_start":false,"room_id":"#)
        out.string(room.id.rawValue)
        out.raw(#","stream_count":"#)
        out.integer(room.streams.count)
        out.raw(#","template_id":"#)
        out.optionalString(room.settings.templateID)
        out.byte(UInt8(ascii: "}"))
    }
}
