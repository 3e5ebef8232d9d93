import Foundation

extension MeetingSuite {
    /// One refused body: what is sent, the status and the field the message must name.
    struct Refusal: Sendable {
        let slug: String
        let title: String
        let body: JSONValue?
        let raw: String?
        let contentType: String?
        let status: Int
        let names: String?

        init(
            _ slug: String, _ title: String, _ body: JSONValue? = nil, raw: String? = nil,
            contentType: String? = nil, status: Int = 400, names: String? = nil
        ) {
            self.slug = slug; self.title = title; self.body = body; self.raw = raw
            self.contentType = contentType; self.status = status; self.names = names
        }
    }

    static let roomRefusals: [Refusal] = [
        Refusal("missing-room-id", "room_id is required", .object([("name", .string("x"))]), names: "room_id"),
        Refusal(
            "bad-room-id", "a room_id outside the identifier grammar is 400",
            .object([("room_id", .string("no spaces allowed"))]), names: "room_id"),
        Refusal(
            "unknown-field", "an unknown field is refused and named",
            .object([("room_id", .string("conform-x")), ("colour", .string("red"))]), names: "colour"),
        Refusal(
            "string-for-integer", "\"5\" is not an integer",
            .object([("room_id", .string("conform-x")), ("max_participants", .string("5"))]),
            names: "max_participants"),
        Refusal(
            "integer-for-boolean", "1 is not a boolean",
            .object([("room_id", .string("conform-x")), ("lobby", .integer(1))]), names: "lobby"),
        Refusal(
            "max-participants-zero", "max_participants below 1 is 400",
            .object([("room_id", .string("conform-x")), ("max_participants", .integer(0))]),
            names: "max_participants"),
        Refusal(
            "max-participants-over", "max_participants above 1000 is 400",
            .object([("room_id", .string("conform-x")), ("max_participants", .integer(1001))]),
            names: "max_participants"),
        Refusal(
            "blank-name", "a blank name is 400",
            .object([("room_id", .string("conform-x")), ("name", .string("   "))]), names: "name"),
        Refusal("not-an-object", "a JSON array body is 400", .array([.string("room_id")])),
        Refusal("malformed-json", "malformed JSON is 400", raw: "{\"room_id\": ", contentType: "application/json"),
        Refusal(
            "wrong-content-type", "a body that is not JSON is 415", raw: "room_id=x",
            contentType: "application/x-www-form-urlencoded", status: 415),
        Refusal(
            "unknown-template-404", "a template_id that names no template is 404",
            .object([("room_id", .string("conform-x")), ("template_id", .string("conform-no-such-template"))]),
            status: 404),
    ]

    static func validationCases() -> [ConformanceCase] {
        roomRefusals.map { refusal in
            meetingCase(
                "rooms/create-\(refusal.slug)", refusal.title,
                reference: operation("createRoom", String(refusal.status)),
                requirement:
                    "Bodies the schema refuses are 400 naming the field; not JSON is 415; an unknown template is 404 — all in the envelope."
            ) { context in
                // Each run uses a fresh id, and a stray success is removed again so the run leaves nothing behind.
                let room = RoomSocketScope.freshRoomID("invalid")
                let body = refusal.body.map {
                    $0.replacingString("conform-x", with: room)
                }
                let outcome: CaseOutcome
                do {
                    outcome = try await MeetingREST.expectError(
                        context, "POST", "/rooms", json: body, body: refusal.raw.map { Array($0.utf8) },
                        contentType: refusal.contentType, status: refusal.status, mentioning: refusal.names)
                } catch {
                    await MeetingREST.removeRoom(context, room)
                    throw error
                }
                return outcome
            }
        }
    }

}

extension JSONValue {
    /// The value with every string equal to `placeholder` replaced by `value`, in the tree itself (no text
    /// substitution, so a value that needs JSON escaping stays a well-formed string).
    func replacingString(_ placeholder: String, with value: String) -> JSONValue {
        switch self {
        case .string(placeholder): return .string(value)
        case .array(let items): return .array(items.map { $0.replacingString(placeholder, with: value) })
        case .object(let members):
            return .object(members.map { ($0.0, $0.1.replacingString(placeholder, with: value)) })
        default: return self
        }
    }
}
