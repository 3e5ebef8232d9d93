import Foundation

extension RoomSocketSuite {
    static func joinCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            socketCase(
                "join/anonymous-joined", "a join without credentials gets `joined` with itself listed",
                reference: asyncapi("joined"),
                requirement:
                    "To the joiner: its session token, the participants (itself included), live streams and agenda.",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                let alice = try await scope.join(room: room, user: "alice", name: "Alice")
                let data = alice.joined?["data"]
                try check(
                    data?["user_id"] == .string("alice") && !(alice.sessionToken ?? "").isEmpty
                        && participantIDs(alice.joined) == ["alice"] && data?["room"]?["room_id"] == .string(room),
                    expected: "joined {user_id alice, session_token, participants [alice], room.room_id \(room)}",
                    observed: alice.joined?.compactText ?? "")
                return .pass(observed: "joined as \(alice.role ?? "?")")
            },
            socketCase(
                "join/first-is-presenter", "the first joiner of an ad-hoc room presents",
                severity: .should, reference: rights("first participant of an ad-hoc room"),
                requirement:
                    "With rooms.first_is_presenter (the default) the first joiner of an ad-hoc room is presenter.",
                schema: schema
            ) { scope in
                let alice = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "alice")
                try check(alice.role == "presenter", expected: "role presenter", observed: "role \(alice.role ?? "-")")
                return .pass(observed: "role presenter")
            },
            socketCase(
                "join/second-is-participant", "later joiners are participants and see everyone in join order",
                reference: rights("Roles"),
                requirement:
                    "Only the first joiner of an ad-hoc room presents; `participants` lists the room in join order.",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                _ = try await scope.join(room: room, user: "alice")
                let bob = try await scope.join(room: room, user: "bob")
                try check(
                    bob.role == "participant" && participantIDs(bob.joined) == ["alice", "bob"],
                    expected: "bob: role participant, participants [alice, bob]",
                    observed: "role \(bob.role ?? "-"), participants \(participantIDs(bob.joined))")
                return .pass(observed: "participant; [alice, bob]")
            },
            socketCase(
                "join/userjoin-to-others", "members already present get `userjoin` without reply_to",
                reference: asyncapi("userjoin"),
                requirement:
                    "Another participant joined: the others get `userjoin` with its Participant; broadcasts never carry reply_to.",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                let alice = try await scope.join(room: room, user: "alice")
                _ = try await scope.join(room: room, user: "bob", name: "Bob")
                let seen = try await alice.event("userjoin")
                try check(
                    seen["data"]?["user_id"] == .string("bob") && seen["data"]?["name"] == .string("Bob")
                        && seen["reply_to"] == nil,
                    expected: "userjoin {user_id bob, name Bob}, no reply_to", observed: seen.compactText)
                return .pass(observed: seen.compactText)
            },
            socketCase(
                "join/v5-alias-path", "the Monibuca v5 path /room/{room_id}/{user_id} joins too",
                reference: contracts("alias /room/{room_id}/{user_id}"),
                requirement: "Alias /room/{room_id}/{user_id} (Monibuca v5; user_id from the path).", schema: schema
            ) { scope in
                let carol = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "carol", alias: true)
                try check(
                    carol.joined?["data"]?["user_id"] == .string("carol"), expected: "joined as carol",
                    observed: carol.joined?.compactText ?? "")
                return .pass(observed: "joined as carol")
            },
            ConformanceCase(
                id: "room-ws/join/plain-get-426", title: "a plain GET without Upgrade answers 426",
                severity: .must, reference: contracts("A plain GET without Upgrade: websocket answers 426"),
                requirement: "RFC 9110 §15.5.22 Upgrade Required: the room URL without an upgrade answers 426."
            ) { context in
                let path = RoomSocketScope.joinPath(
                    room: RoomSocketScope.freshRoomID(), user: "plain", name: nil, password: nil, token: nil)
                let response = try await context.send(HTTPRequest(method: "GET", path: path))
                try check(
                    response.status == 426, expected: "426 Upgrade Required",
                    observed: "\(response.status) \(response.bodyText.prefix(200))")
                return .pass(observed: "426")
            },
            socketCase(
                "join/invalid-user-id-4000", "a user id outside the identifier grammar: invalid_identifier, close 4000",
                reference: SpecReference("docs/contracts.md", "§Identifiers"),
                requirement:
                    "Identifiers match [A-Za-z0-9._~-]{1,64}; otherwise error invalid_identifier and close 4000.",
                schema: schema
            ) { scope in
                .pass(
                    observed: try await scope.expectRefusal(
                        room: RoomSocketScope.freshRoomID(), user: "bad id!", code: "invalid_identifier",
                        closeCode: 4000))
            },
            socketCase(
                "join/invalid-room-id-4000", "a room id over 64 characters: invalid_identifier, close 4000",
                reference: SpecReference("docs/contracts.md", "§Identifiers"),
                requirement:
                    "room_id matches [A-Za-z0-9._~-]{1,64}; otherwise error invalid_identifier and close 4000.",
                schema: schema
            ) { scope in
                .pass(
                    observed: try await scope.expectRefusal(
                        room: String(repeating: "r", count: 65), user: "u", code: "invalid_identifier",
                        closeCode: 4000))
            },
            socketCase(
                "join/invalid-type-4000", "a type other than meeting: invalid_request, close 4000",
                reference: contracts("4000 invalid request (type)"),
                requirement:
                    "`type` is `meeting` (or omitted); anything else is refused with invalid_request and 4000.",
                schema: schema
            ) { scope in
                .pass(
                    observed: try await scope.expectRefusal(
                        room: RoomSocketScope.freshRoomID(), user: "u", type: "live", code: "invalid_request",
                        closeCode: 4000))
            },
            socketCase(
                "join/duplicate-user-4009", "a user id already in the room: duplicate_user, close 4009",
                reference: contracts("4009 the user id is already in the room"),
                requirement:
                    "A second socket with a present user_id is refused (duplicate_user, 4009); the first stays.",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                let holder = try await scope.join(room: room, user: "same")
                let observed = try await scope.expectRefusal(
                    room: room, user: "same", code: "duplicate_user", closeCode: 4009)
                let pong = try await textPing(holder)
                try check(pong, expected: "the first socket still answers", observed: "no pong")
                return .pass(observed: observed)
            },
            socketCase(
                "join/refused-not-counted", "a refused joiner is counted nowhere",
                reference: contracts("A refused user is never counted in any face"),
                requirement: "After a refusal the room's participants (REST users list and later joiners) exclude it.",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                _ = try await scope.join(room: room, user: "holder")
                _ = try await scope.expectRefusal(room: room, user: "holder", code: "duplicate_user", closeCode: 4009)
                _ = try await scope.expectRefusal(
                    room: room, user: "bad id", code: "invalid_identifier", closeCode: 4000)
                let late = try await scope.join(room: room, user: "late")
                try check(
                    participantIDs(late.joined) == ["holder", "late"], expected: "participants [holder, late]",
                    observed: "\(participantIDs(late.joined))")
                return .pass(observed: "participants [holder, late]")
            },
        ]
    }

    /// Sends the text `ping` and waits for the text `pong` (Monibuca v5).
    static func textPing(_ peer: RoomPeer) async throws(CaseStop) -> Bool {
        await peer.send(text: "ping")
        var seen: [String] = []
        // Bounded by messages and by the wait for each: a burst answered before the pong is read past.
        for _ in 0..<1000 {
            guard let message = await peer.nextMessage(timeout: 5) else { break }
            if case .text("pong") = message { return true }
            seen.append(RoomPeer.describe(message))
            if case .closed = message { break }
        }
        throw .violated(
            expected: "the text frame pong",
            observed: seen.isEmpty
                ? "nothing" : "\(seen.count) other messages, last: \(seen.suffix(3).joined(separator: " | "))")
    }
}
