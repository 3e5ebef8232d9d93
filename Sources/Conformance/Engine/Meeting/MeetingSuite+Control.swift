import Foundation

extension MeetingSuite {
    /// Control and rights cases: each acts over REST and observes the effect through another route and over the
    /// room WebSocket (so an answer that claims success without the effect is caught).
    static func controlBody(_ room: String, _ user: String) -> JSONValue {
        .object([("room_id", .string(room)), ("user_id", .string(user))])
    }

    static func controlCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            RoomSocketSuite.socketCase(
                "lock-observed-on-socket", "REST lock reaches members as `locked` and refuses joins with 4023",
                reference: operation("lockRoom"),
                requirement:
                    "Lock: new joiners are refused (room_locked, 4023); present participants stay and get `locked` by api:….",
                schema: schema, profile: "meeting", area: "control"
            ) { scope in
                let context = scope.context
                return try await MeetingREST.withRoom(context) { room in
                    let alice = try await scope.join(room: room, user: "alice")
                    _ = try await MeetingREST.data(context, "POST", "/rooms/\(room)/lock")
                    let locked = try await alice.event("locked")
                    _ = try await scope.expectRefusal(room: room, user: "late", code: "room_locked", closeCode: 4023)
                    _ = try await MeetingREST.data(context, "POST", "/rooms/\(room)/unlock")
                    _ = try await alice.event("unlocked")
                    _ = try await scope.join(room: room, user: "late")
                    try check(
                        (locked["data"]?["by"]?.stringValue ?? "").hasPrefix("api:"), expected: "locked by api:…",
                        observed: locked.compactText)
                    return .pass(observed: locked.compactText)
                }
            },
            RoomSocketSuite.socketCase(
                "mute-observed", "REST mute: the member is told, its chat is refused, the users list shows it",
                reference: operation("controlMute"),
                requirement:
                    "Chat-mute a participant: control mute_chat to the room, its chat refused (chat_muted), chat_muted true in users; unmute reverses it.",
                schema: schema, profile: "meeting", area: "control"
            ) { scope in
                let context = scope.context
                return try await MeetingREST.withRoom(context) { room in
                    let alice = try await scope.join(room: room, user: "alice")
                    let bob = try await scope.join(room: room, user: "bob")
                    let answer = try await MeetingREST.data(
                        context, "POST", "/control/mute", json: controlBody(room, "bob"))
                    let notice = try await bob.event("control")
                    let refused = try await bob.request("chat", id: "c", [("text", .string("hello?"))])
                    let users = try await MeetingREST.users(context, room)
                    let bobRow = users.first { $0["user_id"] == .string("bob") }
                    _ = try await MeetingREST.data(context, "POST", "/control/unmute", json: controlBody(room, "bob"))
                    let again = try await bob.request("chat", id: "c2", [("text", .string("thanks"))])
                    _ = try await alice.event("msg") { $0["data"]?["text"] == .string("thanks") }
                    try check(
                        answer["action"] == .string("mute") && notice["data"]?["muted"] == .bool(true)
                            && refused["data"]?["code"] == .string("chat_muted")
                            && bobRow?["chat_muted"] == .bool(true) && again["event"] == .string("ack"),
                        expected: "control muted; chat_muted error; users chat_muted true; after unmute chat delivered",
                        observed:
                            "\(notice.compactText); \(refused.compactText); \(bobRow?.compactText ?? "bob missing"); \(again.compactText)"
                    )
                    return .pass(observed: refused.compactText)
                }
            },
            RoomSocketSuite.socketCase(
                "kick-observed", "REST kick: control kick, close 4100, and the member is gone from the users list",
                reference: operation("controlKick"),
                requirement:
                    "Remove a participant and end its sessions: it gets control kick and close 4100; it leaves the users list.",
                schema: schema, profile: "meeting", area: "control"
            ) { scope in
                let context = scope.context
                return try await MeetingREST.withRoom(context) { room in
                    let alice = try await scope.join(room: room, user: "alice")
                    let bob = try await scope.join(room: room, user: "bob")
                    _ = try await MeetingREST.data(context, "POST", "/control/kick", json: controlBody(room, "bob"))
                    let notice = try await bob.event("control")
                    let close = await bob.closeCode()
                    let left = try await alice.event("userleave")
                    let users = try await MeetingREST.users(context, room).compactMap { $0["user_id"]?.stringValue }
                    try check(
                        notice["data"]?["action"] == .string("kick") && close.code == 4100
                            && left["data"]?["reason"] == .string("kicked") && users == ["alice"],
                        expected: "control kick, close 4100, userleave kicked, users [alice]",
                        observed:
                            "\(notice.compactText); close \(close.code.map(String.init) ?? "-"); \(left.compactText); users \(users)"
                    )
                    return .pass(observed: "users \(users)")
                }
            },
            RoomSocketSuite.socketCase(
                "delete-ends-sockets", "DELETE of a live REST room ends its sockets",
                reference: operation("deleteRoom"),
                requirement: "End every live session of the room (ended, then close 4101), remove it and forget it.",
                schema: schema, profile: "meeting", area: "rooms"
            ) { scope in
                let context = scope.context
                let room = RoomSocketScope.freshRoomID("rest")
                _ = try await MeetingREST.data(context, "POST", "/rooms", json: .object([("room_id", .string(room))]))
                let alice = try await scope.join(room: room, user: "alice")
                _ = try await MeetingREST.data(context, "DELETE", "/rooms/\(room)")
                let ended = try await alice.event("ended")
                let close = await alice.closeCode()
                _ = try await MeetingREST.expectError(context, "GET", "/rooms/\(room)", status: 404)
                try check(
                    close.code == 4101, expected: "close 4101", observed: "close \(close.code.map(String.init) ?? "-")")
                return .pass(observed: ended.compactText)
            },
            meetingCase(
                "control/unknown-user-404", "controlling a user who is not in the room is 404 naming it",
                reference: operation("controlKick", "404"),
                requirement: "404 names the room or the user that is not there."
            ) { context in
                try await MeetingREST.withRoom(context) { room in
                    try await MeetingREST.expectError(
                        context, "POST", "/control/kick", json: controlBody(room, "nobody"), status: 404)
                }
            },
            meetingCase(
                "control/unknown-room-404", "controlling a room that does not exist is 404",
                reference: operation("controlMute", "404"),
                requirement: "404 names the room or the user that is not there."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/control/mute", json: controlBody(RoomSocketScope.freshRoomID("none"), "bob"),
                    status: 404)
            },
            meetingCase(
                "control/missing-user-id-400", "a control body without user_id is 400 naming it",
                reference: operation("controlMute", "400"), requirement: "ControlInput requires room_id and user_id."
            ) { context in
                try await MeetingREST.expectError(
                    context, "POST", "/control/mute", json: .object([("room_id", .string("conform-x"))]), status: 400,
                    mentioning: "user_id")
            },
            RoomSocketSuite.socketCase(
                "anonymous-joiner-no-rights", "the first anonymous joiner of a REST room gains no moderator rights",
                reference: RoomSocketSuite.rights("a room created over REST gets presenters only from credentials"),
                requirement:
                    "In a room created over REST only tokens make presenters: the first anonymous joiner is a participant and its lock, kick and end are refused.",
                schema: schema, profile: "meeting", area: "rights"
            ) { scope in
                let context = scope.context
                return try await MeetingREST.withRoom(context) { room in
                    let first = try await scope.join(room: room, user: "first")
                    let second = try await scope.join(room: room, user: "second")
                    let lock = try await first.request("lock", id: "l")
                    let kick = try await first.request("kick", id: "k", [("user_id", .string("second"))])
                    let end = try await first.request("end", id: "e")
                    let detail = try await MeetingREST.data(context, "GET", "/rooms/\(room)")
                    _ = try await RoomSocketSuite.textPing(second)
                    try check(
                        first.role == "participant"
                            && [lock, kick, end].allSatisfy { $0["data"]?["code"] == .string("not_permitted") }
                            && detail["locked"] == .bool(false),
                        expected: "role participant; lock, kick, end → not_permitted; room unlocked",
                        observed:
                            "role \(first.role ?? "-"); \(lock.compactText); locked \(detail["locked"]?.compactText ?? "-")"
                    )
                    return .pass(observed: "participant; refused ×3")
                }
            },
        ]
    }
}
