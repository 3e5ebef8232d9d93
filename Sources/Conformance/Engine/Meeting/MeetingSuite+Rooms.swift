import Foundation

extension MeetingSuite {
    static func roomCases(_ documents: SpecDocuments) -> [ConformanceCase] {
        [
            meetingCase(
                "rooms/round-trip", "create, read, list and delete a room; it is gone afterwards",
                reference: operation("createRoom"),
                requirement:
                    "POST /rooms creates a persistent room; GET shows its fields; the list holds it; DELETE removes it (then 404)."
            ) { context in
                let room = RoomSocketScope.freshRoomID("rest")
                let created = try await envelope(
                    context, "POST", "/rooms",
                    json: .object([
                        ("room_id", .string(room)), ("name", .string("Conform room")), ("password", .string("pw")),
                        ("max_participants", .integer(7)), ("lobby", .bool(true)),
                    ]))
                do {
                    try conforms(documents, "createRoom", created)
                    let data = created["data"]
                    try check(
                        data?["room_id"] == .string(room) && data?["name"] == .string("Conform room")
                            && data?["has_password"] == .bool(true) && data?["max_participants"] == .integer(7)
                            && data?["origin"] == .string("rest") && data?["lobby"] == .bool(true),
                        expected:
                            "the created room echoes room_id, name, has_password, max_participants 7, origin rest, lobby",
                        observed: data?.compactText ?? "")
                    let read = try await envelope(context, "GET", "/rooms/\(room)")
                    try conforms(documents, "getRoom", read)
                    try check(
                        read["data"]?["name"] == .string("Conform room") && read["data"]?["password"] == nil,
                        expected: "GET shows the name and never the password", observed: read.compactText)
                    let list = try await envelope(context, "GET", "/rooms")
                    try conforms(documents, "listRooms", list)
                    let ids = (list["data"]?["rooms"]?.arrayValue ?? []).compactMap { $0["room_id"]?.stringValue }
                    try check(ids.contains(room), expected: "the list holds \(room)", observed: "\(ids)")
                } catch {
                    await MeetingREST.removeRoom(context, room)
                    throw error
                }
                let deleted = try await envelope(context, "DELETE", "/rooms/\(room)")
                try conforms(documents, "deleteRoom", deleted)
                _ = try await MeetingREST.expectError(context, "GET", "/rooms/\(room)", status: 404)
                return .pass(observed: "created, read, listed, deleted, then 404")
            },
            meetingCase(
                "rooms/legacy-alias", "GET /meeting/api/room/{id} answers like /rooms/{id}",
                reference: operation("getRoomLegacy"), requirement: "Legacy alias of GET /meeting/api/rooms/{room_id}."
            ) { context in
                try await MeetingREST.withRoom(context) { room in
                    let modern = try await MeetingREST.data(context, "GET", "/rooms/\(room)")
                    let legacy = try await MeetingREST.data(context, "GET", "/room/\(room)")
                    try check(
                        legacy["room_id"] == modern["room_id"] && legacy["name"] == modern["name"],
                        expected: "the same room", observed: legacy.compactText)
                    return .pass(observed: "same room")
                }
            },
            meetingCase(
                "rooms/duplicate-409", "creating a room whose id is live is 409",
                reference: operation("createRoom", "409"),
                requirement: "409 when a live room has this room_id (whatever face created it)."
            ) { context in
                try await MeetingREST.withRoom(context) { room in
                    try await MeetingREST.expectError(
                        context, "POST", "/rooms", json: .object([("room_id", .string(room))]), status: 409)
                }
            },
            meetingCase(
                "rooms/unknown-404", "reading, locking or deleting an unknown room is 404",
                reference: operation("getRoom", "404"),
                requirement: "A room id that names no room is 404 on every room route."
            ) { context in
                let room = RoomSocketScope.freshRoomID("none")
                for (method, path) in [
                    ("GET", "/rooms/\(room)"), ("DELETE", "/rooms/\(room)"), ("POST", "/rooms/\(room)/lock"),
                    ("GET", "/rooms/\(room)/users"),
                ] {
                    _ = try await MeetingREST.expectError(context, method, path, status: 404)
                }
                return .pass(observed: "404 on get, delete, lock, users")
            },
            meetingCase(
                "rooms/method-not-allowed", "a method the path does not list is 405 with Allow",
                reference: SpecReference("spec/meeting.yaml", "info.description: 405 with an Allow header"),
                requirement:
                    "A method a path does not list is 405 with an Allow header naming the ones it does, in the envelope."
            ) { context in
                let response = try await MeetingREST.call(context, "PATCH", "/rooms")
                let allow = response.header("Allow") ?? ""
                try check(
                    response.status == 405 && response.jsonValue?["code"] == .integer(405) && allow.contains("GET")
                        && allow.contains("POST"),
                    expected: "405 {code 405}, Allow: GET, POST",
                    observed: "\(response.status) Allow: \(allow) \(response.bodyText.prefix(200))")
                return .pass(observed: "405 Allow: \(allow)")
            },
            meetingCase(
                "rooms/lock-observed", "REST lock and unlock show in the room's detail",
                reference: operation("lockRoom"),
                requirement:
                    "Lock: new joiners are refused; GET /rooms/{id} shows locked true, then false after unlock."
            ) { context in
                try await MeetingREST.withRoom(context) { room in
                    _ = try await MeetingREST.data(context, "POST", "/rooms/\(room)/lock")
                    let locked = try await MeetingREST.data(context, "GET", "/rooms/\(room)")
                    _ = try await MeetingREST.data(context, "POST", "/rooms/\(room)/unlock")
                    let unlocked = try await MeetingREST.data(context, "GET", "/rooms/\(room)")
                    try check(
                        locked["locked"] == .bool(true) && unlocked["locked"] == .bool(false),
                        expected: "locked true, then false",
                        observed: "\(locked["locked"]?.compactText ?? "-"), \(unlocked["locked"]?.compactText ?? "-")")
                    return .pass(observed: "locked true → false")
                }
            },
            meetingCase(
                "rooms/template-settings-applied", "a room made from a template takes its settings",
                reference: operation("createRoom", "template_id"),
                requirement: "template_id names a template whose settings the room takes (max_participants, lobby)."
            ) { context in
                try await MeetingREST.withTemplate(
                    context, [("max_participants", .integer(3)), ("chat_muted_on_join", .bool(true))]
                ) { template in
                    let id = template["id"]?.stringValue ?? ""
                    return try await MeetingREST.withRoom(context, [("template_id", .string(id))]) { room in
                        let data = try await MeetingREST.data(context, "GET", "/rooms/\(room)")
                        try check(
                            data["template_id"] == .string(id) && data["max_participants"] == .integer(3)
                                && data["chat_muted_on_join"] == .bool(true),
                            expected: "template_id \(id), max_participants 3, chat_muted_on_join true",
                            observed: data.compactText)
                        return .pass(observed: "template applied")
                    }
                }
            },
            meetingCase(
                "stats/schema", "stats and features match their schemas",
                reference: operation("getStats"), requirement: "GET /stats and /features answer the documented shapes."
            ) { context in
                try conforms(documents, "getStats", try await envelope(context, "GET", "/stats"))
                try conforms(documents, "listFeatures", try await envelope(context, "GET", "/features"))
                return .pass(observed: "both match")
            },
            meetingCase(
                "stats/counts-rest-room", "a REST room counts in stats.rooms and stored_rooms",
                reference: operation("getStats"),
                requirement: "Live counts from the registry and stored counts: a new room adds one to both."
            ) { context in
                let before = try await MeetingREST.data(context, "GET", "/stats")
                return try await MeetingREST.withRoom(context) { _ in
                    let after = try await MeetingREST.data(context, "GET", "/stats")
                    let rooms = (after["rooms"]?.doubleValue ?? 0) - (before["rooms"]?.doubleValue ?? 0)
                    let stored = (after["stored_rooms"]?.doubleValue ?? 0) - (before["stored_rooms"]?.doubleValue ?? 0)
                    try check(
                        rooms >= 1 && stored >= 1, expected: "rooms and stored_rooms grow by one",
                        observed: "rooms +\(rooms), stored_rooms +\(stored)")
                    return .pass(observed: "rooms +\(Int(rooms)), stored_rooms +\(Int(stored))")
                }
            },
        ]
    }
}
