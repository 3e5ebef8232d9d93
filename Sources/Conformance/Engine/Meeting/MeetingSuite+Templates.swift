import Foundation

extension MeetingSuite {
    static func templateCases(_ documents: SpecDocuments) -> [ConformanceCase] {
        [
            meetingCase(
                "templates/round-trip", "create, read, replace, list and delete a template",
                reference: operation("createTemplate"),
                requirement:
                    "POST creates; GET reads; PUT replaces the settings (updated_at moves on); the list holds it; DELETE removes it (then 404)."
            ) { context in
                let name = RoomSocketScope.freshRoomID("template")
                let created = try await envelope(
                    context, "POST", "/templates",
                    json: .object([("name", .string(name)), ("max_participants", .integer(10))]))
                try conforms(documents, "createTemplate", created)
                guard let id = created["data"]?["id"]?.stringValue else {
                    throw CaseStop.violated(expected: "data.id", observed: created.compactText)
                }
                do {
                    let read = try await envelope(context, "GET", "/templates/\(id)")
                    try conforms(documents, "getTemplate", read)
                    let replaced = try await envelope(
                        context, "PUT", "/templates/\(id)",
                        json: .object([
                            ("name", .string(name)), ("max_participants", .integer(20)), ("lobby", .bool(true)),
                        ]))
                    try conforms(documents, "updateTemplate", replaced)
                    try check(
                        replaced["data"]?["max_participants"] == .integer(20)
                            && replaced["data"]?["lobby"] == .bool(true)
                            && read["data"]?["max_participants"] == .integer(10),
                        expected: "max_participants 10 → 20, lobby true", observed: replaced.compactText)
                    let list = try await envelope(context, "GET", "/templates")
                    try conforms(documents, "listTemplates", list)
                    let ids = (list["data"]?["templates"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                    try check(ids.contains(id), expected: "the list holds \(id)", observed: "\(ids.count) templates")
                } catch {
                    _ = try? await MeetingREST.call(context, "DELETE", "/templates/\(id)")
                    throw error
                }
                let deleted = try await envelope(context, "DELETE", "/templates/\(id)")
                try conforms(documents, "deleteTemplate", deleted)
                _ = try await MeetingREST.expectError(context, "GET", "/templates/\(id)", status: 404)
                return .pass(observed: "created, read, replaced, listed, deleted, then 404")
            },
            meetingCase(
                "templates/duplicate-name-409", "a second template with the same name is 409",
                reference: operation("createTemplate", "409"), requirement: "409 when another template has this name."
            ) { context in
                try await MeetingREST.withTemplate(context, []) { template in
                    try await MeetingREST.expectError(
                        context, "POST", "/templates", json: .object([("name", template["name"] ?? .null)]),
                        status: 409)
                }
            },
            meetingCase(
                "templates/name-required", "a template without a name is 400 naming it",
                reference: operation("createTemplate", "400"), requirement: "TemplateInput requires name."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/templates", json: .object([("max_participants", .integer(2))]), status: 400,
                    mentioning: "name")
            },
            meetingCase(
                "templates/unknown-404", "get, replace and delete of an unknown template are 404",
                reference: operation("getTemplate", "404"), requirement: "An id that names no template is 404."
            ) { context in
                let id = "conform-no-such-template"
                _ = try await MeetingREST.expectError(context, "GET", "/templates/\(id)", status: 404)
                _ = try await MeetingREST.expectError(
                    context, "PUT", "/templates/\(id)", json: .object([("name", .string("x"))]), status: 404)
                _ = try await MeetingREST.expectError(context, "DELETE", "/templates/\(id)", status: 404)
                return .pass(observed: "404 ×3")
            },
        ]
    }

    static func reservation(_ room: String, start: String, end: String, participants: [String] = ["bob"])
        -> JSONValue
    {
        .object([
            ("room_id", .string(room)), ("title", .string("Conformance slot")), ("start_time", .string(start)),
            ("end_time", .string(end)), ("host", .string("alice")),
            ("participants", .array(participants.map { .string($0) })),
        ])
    }

    /// Far in the future, in a room of the run's own, so reruns never overlap and nothing live is touched.
    static func future(_ hour: Int) -> String { "2399-01-01T\(String(format: "%02d", hour)):00:00Z" }

    static func reservationCases(_ documents: SpecDocuments) -> [ConformanceCase] {
        return [
            meetingCase(
                "reservations/create-and-list", "a booked slot is listed, filtered by room",
                reference: operation("createReservation"),
                requirement:
                    "POST books [start_time, end_time); GET ?room_id= lists the room's reservations by start time."
            ) { context in
                let room = RoomSocketScope.freshRoomID("booking")
                let created = try await envelope(
                    context, "POST", "/reservations", json: reservation(room, start: future(9), end: future(10)))
                try conforms(documents, "createReservation", created)
                let list = try await envelope(context, "GET", "/reservations?room_id=\(room)")
                try conforms(documents, "listReservations", list)
                let rows = list["data"]?["reservations"]?.arrayValue ?? []
                try check(
                    rows.count == 1 && rows.first?["id"] == created["data"]?["id"]
                        && rows.first?["participants"] == .array([.string("bob")]),
                    expected: "exactly the new reservation for \(room)", observed: list.compactText)
                // Back-to-back slots do not overlap; one that does is 409.
                _ = try await MeetingREST.data(
                    context, "POST", "/reservations", json: reservation(room, start: future(10), end: future(11)))
                _ = try await MeetingREST.expectError(
                    context, "POST", "/reservations", json: reservation(room, start: future(9), end: future(12)),
                    status: 409)
                return .pass(observed: "listed; back-to-back accepted; overlap 409")
            },
            meetingCase(
                "reservations/end-before-start-422", "a slot that ends before it starts is 422",
                reference: operation("createReservation", "422"),
                requirement: "422: end_time not after start_time."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/reservations",
                    json: reservation(RoomSocketScope.freshRoomID("booking"), start: future(11), end: future(10)),
                    status: 422, mentioning: "end_time")
            },
            meetingCase(
                "reservations/start-in-past-422", "a slot that starts in the past is 422",
                reference: operation("createReservation", "422"), requirement: "422: start_time in the past."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/reservations",
                    json: reservation(
                        RoomSocketScope.freshRoomID("booking"), start: "2001-01-01T00:00:00Z",
                        end: "2001-01-01T01:00:00Z"), status: 422, mentioning: "start_time")
            },
            meetingCase(
                "reservations/bad-time-400", "a start_time that is not RFC 3339 is 400",
                reference: operation("createReservation", "400"),
                requirement: "start_time is an RFC 3339 date-time (RFC 3339 §5.6); anything else is 400 naming it."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/reservations",
                    json: reservation(
                        RoomSocketScope.freshRoomID("booking"), start: "tomorrow at nine", end: future(10)),
                    status: 400, mentioning: "start_time")
            },
            meetingCase(
                "reservations/duplicate-participant-400", "a participant listed twice is 400",
                reference: operation("createReservation", "400"), requirement: "participants has uniqueItems."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/reservations",
                    json: reservation(
                        RoomSocketScope.freshRoomID("booking"), start: future(9), end: future(10),
                        participants: ["bob", "bob"]), status: 400, mentioning: "participants")
            },
            meetingCase(
                "reservations/missing-host-400", "a reservation without host is 400 naming it",
                reference: operation("createReservation", "400"), requirement: "CreateReservation requires host."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/reservations",
                    json: .object([
                        ("room_id", .string(RoomSocketScope.freshRoomID("booking"))), ("title", .string("t")),
                        ("start_time", .string(future(9))), ("end_time", .string(future(10))),
                        ("participants", .array([])),
                    ]), status: 400, mentioning: "host")
            },
        ]
    }
}
