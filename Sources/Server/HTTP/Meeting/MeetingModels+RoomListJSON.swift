import Hummingbird
import NIOCore

/// `GET /meeting/api/rooms` answers a list that grows with the registry (1,000 rooms: ~300 KB), so it is written
/// with ``JSONBufferWriter`` rather than the envelope's `JSONEncoder`: the same bytes (members in `.sortedKeys`
/// order, which `MeetingRoomListJSONTests` checks against the encoder), a fraction of the time.
extension MeetingModels.RoomList {
    /// The list in the Monibuca success envelope, 200.
    func envelopeResponse() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: envelopeJSON()))
    }

    /// `{"code":0,"data":{"rooms":[...],"total":N},"message":"success"}`.
    func envelopeJSON() -> ByteBuffer {
        // ~300 bytes per room; the buffer grows if names are long.
        var json = JSONBufferWriter(capacity: 64 + rooms.count * 320)
        json.raw(#"{"code":0,"data":{"rooms":["#)
        for (index, room) in rooms.enumerated() {
            if index > 0 { json.raw(",") }
            room.writeJSON(&json)
        }
        json.raw(#"],"total":"#)
        json.int(total)
        json.raw(#"},"message":"success"}"#)
        return json.buffer
    }
}

extension MeetingModels.Room {
    /// The members in byte order of their names, as `.sortedKeys` writes them.
    func writeJSON(_ json: inout JSONBufferWriter) {
        json.raw(#"{"chat_muted_on_join":"#)
        json.bool(chat_muted_on_join)
        json.raw(#","created_at":"#)
        json.string(created_at)
        json.raw(#","has_password":"#)
        json.bool(has_password)
        json.raw(#","lobby":"#)
        json.bool(lobby)
        json.raw(#","locked":"#)
        json.bool(locked)
        json.raw(#","max_participants":"#)
        json.int(max_participants)
        json.raw(#","name":"#)
        json.string(name)
        json.raw(#","origin":"#)
        json.string(origin)
        json.raw(#","participant_count":"#)
        json.int(participant_count)
        json.raw(#","record_on_start":"#)
        json.bool(record_on_start)
        json.raw(#","room_id":"#)
        json.string(room_id)
        json.raw(#","stream_count":"#)
        json.int(stream_count)
        json.raw(#","template_id":"#)
        json.optionalString(template_id.value)
        json.raw("}")
    }
}
