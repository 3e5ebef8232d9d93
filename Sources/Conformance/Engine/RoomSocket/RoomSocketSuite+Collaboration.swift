import Foundation

extension RoomSocketSuite {
    static func collaborationCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            socketCase(
                "hand/raise-and-lower", "raising and lowering a hand reaches the room as `hand`",
                reference: asyncapi("hand"),
                requirement: "A participant raised or lowered its hand: the others get hand {user_id, raised}.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                _ = try await bob.request("hand", id: "h1", [("raised", .bool(true))])
                let up = try await alice.event("hand")
                _ = try await bob.request("hand", id: "h2", [("raised", .bool(false))])
                let down = try await alice.event("hand")
                try check(
                    up["data"] == .object([("user_id", .string("bob")), ("raised", .bool(true))])
                        && down["data"]?["raised"] == .bool(false),
                    expected: "hand {bob, raised true} then {bob, raised false}",
                    observed: "\(up.compactText); \(down.compactText)")
                return .pass(observed: "\(up.compactText); \(down.compactText)")
            },
            socketCase(
                "agenda/set-broadcast", "a presenter's agenda.set reaches everyone as `agenda`",
                reference: asyncapi("agenda.set"),
                requirement: "Moderator: replace the agenda items; the room gets agenda with the items.", schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                let items: JSONValue = .array([
                    .object([("title", .string("Intro")), ("duration_s", .integer(60))]),
                    .object([("title", .string("Q&A")), ("duration_s", .null)]),
                ])
                let answer = try await alice.request("agenda.set", id: "a1", [("items", items)])
                let seen = try await bob.event("agenda")
                try check(
                    answer["event"] == .string("ack") && seen["data"]?["items"] == items,
                    expected: "ack; agenda.items as set", observed: "\(answer.compactText); \(seen.compactText)")
                return .pass(observed: seen.compactText)
            },
            socketCase(
                "agenda/start-next-pause", "agenda.start runs the timer, agenda.next moves on, agenda.pause stops it",
                reference: SpecReference("spec/room-ws.asyncapi.yaml", "components.schemas.Agenda"),
                requirement: "start: running true; next: current + 1; pause: running false (current is -1 for none).",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                let alice = try await scope.join(room: room, user: "alice")
                let items: JSONValue = .array([
                    .object([("title", .string("One")), ("duration_s", .integer(30))]),
                    .object([("title", .string("Two")), ("duration_s", .integer(30))]),
                ])
                _ = try await alice.request("agenda.set", id: "s", [("items", items)])
                _ = try await alice.event("agenda")
                _ = try await alice.request("agenda.start", id: "go")
                let started = try await alice.event("agenda")
                _ = try await alice.request("agenda.next", id: "n")
                let next = try await alice.event("agenda")
                _ = try await alice.request("agenda.pause", id: "p")
                let paused = try await alice.event("agenda")
                let c0 = started["data"]?["current"]?.doubleValue ?? -9
                try check(
                    started["data"]?["running"] == .bool(true) && c0 >= 0
                        && next["data"]?["current"]?.doubleValue == c0 + 1
                        && paused["data"]?["running"] == .bool(false),
                    expected: "start → running, current ≥ 0; next → current + 1; pause → running false",
                    observed: "\(started.compactText); \(next.compactText); \(paused.compactText)")
                return .pass(observed: paused.compactText)
            },
            socketCase(
                "agenda/participant-refused", "a participant's agenda.set is refused (not_permitted)",
                reference: rights("Roles"),
                requirement:
                    "Only presenters and hosts moderate; a participant's agenda change gets error not_permitted.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                let items: JSONValue = .array([.object([("title", .string("Mine")), ("duration_s", .null)])])
                let answer = try await bob.request("agenda.set", id: "a1", [("items", items)])
                let leaked = await alice.drain(for: 0.5).filter { $0["event"] == .string("agenda") }
                try check(
                    answer["event"] == .string("error") && answer["data"]?["code"] == .string("not_permitted")
                        && leaked.isEmpty,
                    expected: "error not_permitted; no agenda broadcast",
                    observed: "\(answer.compactText); \(leaked.count) agenda event(s)")
                return .pass(observed: answer.compactText)
            },
            socketCase(
                "transcript/ordered", "transcript segments reach everyone in arrival order with increasing seq",
                reference: asyncapi("transcript"),
                requirement:
                    "A transcript segment, numbered in arrival order (seq) and delivered to everyone in that order.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                for i in 0..<5 {
                    await alice.send(
                        .object([
                            ("action", .string("transcript")), ("text", .string("segment \(i)")),
                            ("speaker", .string("Alice")), ("start_ms", .integer(i * 1000)),
                            ("end_ms", .integer(i * 1000 + 900)), ("final", .bool(true)),
                        ]))
                }
                var texts: [String] = []
                var last = 0.0
                for _ in 0..<5 {
                    let segment = try await bob.event("transcript")
                    let seq = segment["data"]?["seq"]?.doubleValue ?? 0
                    try check(seq > last, expected: "seq increasing", observed: "\(seq) after \(last)")
                    last = seq
                    texts.append(segment["data"]?["text"]?.stringValue ?? "")
                }
                try check(
                    texts == (0..<5).map { "segment \($0)" }, expected: "segment 0…4 in order", observed: "\(texts)")
                return .pass(observed: texts.joined(separator: ", "))
            },
            socketCase(
                "transcript/too-large", "a transcript text over the byte limit: transcript_too_large, connection kept",
                reference: contracts("transcript_too_large"),
                requirement:
                    "Transcript text over rooms.transcript_max_bytes (default 4096 UTF-8 bytes) → error transcript_too_large; the connection stays.",
                schema: schema
            ) { scope in
                let alice = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "alice")
                // 2100 two-byte characters: under the 4096-character schema limit, over the 4096-byte one.
                let text = String(repeating: "é", count: 2100)
                let answer = try await alice.request(
                    "transcript", id: "big",
                    [("text", .string(text)), ("start_ms", .integer(0)), ("end_ms", .integer(1))])
                try check(
                    answer["data"]?["code"] == .string("transcript_too_large"),
                    expected: "error transcript_too_large", observed: answer.compactText)
                _ = try await textPing(alice)
                return .pass(observed: answer.compactText)
            },
        ]
    }
}
