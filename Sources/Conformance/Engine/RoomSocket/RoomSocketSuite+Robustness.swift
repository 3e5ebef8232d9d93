import Foundation

extension RoomSocketSuite {
    static func robustnessCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            socketCase(
                "heartbeat/text-ping-pong", "the text frame ping is answered with the text frame pong",
                reference: asyncapi("ping"),
                requirement: "The text frame `ping` (Monibuca v5); the server answers the text frame `pong`.",
                schema: schema
            ) { scope in
                let alice = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "alice")
                _ = try await textPing(alice)
                _ = try await textPing(alice)
                return .pass(observed: "pong twice")
            },
            malformedCase(
                "robustness/malformed-json", "malformed JSON gets malformed_message and the connection stays",
                frame: "{\"action\": \"chat\", \"text\": ", code: "malformed_message", schema: schema),
            malformedCase(
                "robustness/unknown-action", "an unknown action gets unknown_action and the connection stays",
                frame: #"{"action":"teleport","id":"x"}"#, code: "unknown_action", schema: schema),
            malformedCase(
                "robustness/unknown-field", "an unknown field gets invalid_message and the connection stays",
                frame: #"{"action":"chat","text":"hi","colour":"red"}"#, code: "invalid_message", schema: schema),
            malformedCase(
                "robustness/wrong-type", "a field of the wrong type gets invalid_message and the connection stays",
                frame: #"{"action":"hand","raised":"yes"}"#, code: "invalid_message", schema: schema),
            malformedCase(
                "robustness/json-array", "a JSON array instead of an object is refused and the connection stays",
                frame: #"[{"action":"chat","text":"hi"}]"#, code: nil, schema: schema),
            socketCase(
                "robustness/oversize-1009", "a message over 64 KiB: message_too_large, close 1009; the room goes on",
                reference: contracts("1009 a message over the size limit"),
                requirement:
                    "Messages over 64 KiB → error message_too_large and close 1009; the other members are unaffected.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                let huge = #"{"action":"chat","text":""# + String(repeating: "x", count: 70_000) + #""}"#
                await bob.send(text: huge)
                let error = try await bob.event("error")
                let close = await bob.closeCode()
                try check(
                    error["data"]?["code"] == .string("message_too_large") && close.code == 1009,
                    expected: "error message_too_large then close 1009",
                    observed: "\(error.compactText), close \(close.code.map(String.init) ?? "-")")
                await alice.chat("still here")
                _ = try await alice.event("msg")
                return .pass(observed: "1009; the room still chats")
            },
            socketCase(
                "robustness/chat-flood-rate-limited",
                "a chat flood is answered rate_limited; the socket and the room keep working",
                reference: contracts("rate_limited"),
                requirement:
                    "Chat is rate limited per connection (error rate_limited, connection kept); afterwards chat works again.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                for i in 0..<60 {
                    await bob.send(.object([("action", .string("chat")), ("text", .string("flood \(i)"))]))
                }
                let limited = try await bob.event("error") { $0["data"]?["code"] == .string("rate_limited") }
                let received = await alice.drain(for: 1.5).filter { $0["event"] == .string("msg") }.count
                try await Task.sleep(for: .seconds(1.5))
                let again = try await bob.request("chat", id: "after", [("text", .string("calm again"))])
                let msg = try await alice.event("msg") { $0["data"]?["text"] == .string("calm again") }
                try check(
                    received < 60 && again["event"] == .string("ack"),
                    expected: "fewer than 60 delivered; a later chat is acknowledged and delivered",
                    observed: "\(received) delivered; \(again.compactText); \(msg.compactText)")
                return .pass(observed: "\(limited.compactText); \(received) of 60 delivered")
            },
            socketCase(
                "robustness/action-flood-rate-limited", "a hand flood is answered rate_limited and the socket stays",
                reference: SpecReference("docs/configuration.md", "§Keys: rooms.actions_per_second"),
                requirement:
                    "Every other action that reaches the room is rate limited per connection (rooms.actions_burst).",
                schema: schema
            ) { scope in
                let alice = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "alice")
                for i in 0..<60 {
                    await alice.send(.object([("action", .string("hand")), ("raised", .bool(i % 2 == 0))]))
                }
                let limited = try await alice.event("error") { $0["data"]?["code"] == .string("rate_limited") }
                _ = try await textPing(alice)
                return .pass(observed: limited.compactText)
            },
        ]
    }

    /// A bad frame gets `error` (with `code` when given) and the connection stays usable.
    static func malformedCase(_ slug: String, _ title: String, frame: String, code: String?, schema: RoomSocketSchema)
        -> ConformanceCase
    {
        socketCase(
            slug, title, reference: contracts("A bad frame gets an error event and the connection stays"),
            requirement:
                "Malformed JSON, unknown actions and invalid fields → error\(code.map { " \($0)" } ?? ""), connection kept.",
            schema: schema
        ) { scope in
            let alice = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "alice")
            await alice.send(text: frame)
            let error = try await alice.event("error")
            if let code {
                try check(
                    error["data"]?["code"] == .string(code), expected: "error \(code)", observed: error.compactText)
            }
            let answer = try await alice.request("hand", id: "still", [("raised", .bool(true))])
            try check(
                answer["event"] == .string("ack"), expected: "the next valid action is acknowledged",
                observed: answer.compactText)
            return .pass(observed: error.compactText)
        }
    }
}
