import Foundation

extension RoomSocketSuite {
    static func presenceCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            socketCase(
                "presence/leave-action-1000", "`leave` is acknowledged, closed with 1000, and seen as reason left",
                reference: contracts("1000 after the client's leave"),
                requirement:
                    "After `leave` the server closes with 1000; the others get userleave {reason left, by null}.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                let answer = try await bob.request("leave", id: "bye")
                let close = await bob.closeCode()
                let left = try await alice.event("userleave")
                try check(
                    answer["event"] == .string("ack") && close.code == 1000
                        && left["data"]
                            == .object([
                                ("user_id", .string("bob")), ("reason", .string("left")), ("by", .null),
                            ]),
                    expected: "ack, close 1000; userleave {user_id bob, reason left, by null}",
                    observed: "\(answer.compactText), close \(close.code.map(String.init) ?? "-"); \(left.compactText)")
                return .pass(observed: left.compactText)
            },
            socketCase(
                "presence/drop-seen-as-dropped", "a connection that ends without a close is userleave reason dropped",
                reference: asyncapi("userleave"),
                requirement: "A participant whose connection dropped leaves with reason `dropped`.", schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                await bob.drop()
                let left = try await alice.event("userleave")
                try check(
                    left["data"]?["user_id"] == .string("bob") && left["data"]?["reason"] == .string("dropped"),
                    expected: "userleave {user_id bob, reason dropped}", observed: left.compactText)
                return .pass(observed: left.compactText)
            },
            socketCase(
                "presence/close-frame-seen-as-left", "a client close frame is userleave reason left",
                reference: asyncapi("userleave"),
                requirement: "A participant that closes its socket (RFC 6455 §7.1.2) left: reason `left`.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                await bob.close()
                let left = try await alice.event("userleave")
                try check(
                    left["data"]?["reason"] == .string("left"), expected: "userleave reason left",
                    observed: left.compactText)
                return .pass(observed: left.compactText)
            },
            socketCase(
                "presence/media-state-broadcast", "`media` changes reach the others as `participant`",
                reference: asyncapi("participant"),
                requirement: "Media flags of a participant changed: the room gets `participant` with the new flags.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                _ = try await alice.event("userjoin")
                let answer = try await bob.request(
                    "media", id: "m1", [("audio", .bool(true)), ("video", .bool(false))])
                let seen = try await alice.event("participant")
                try check(
                    answer["event"] == .string("ack") && seen["data"]?["user_id"] == .string("bob")
                        && seen["data"]?["audio"] == .bool(true) && seen["data"]?["video"] == .bool(false),
                    expected: "ack; participant {user_id bob, audio true, video false}",
                    observed: "\(answer.compactText); \(seen.compactText)")
                return .pass(observed: seen.compactText)
            },
        ]
    }

    static func chatCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            socketCase(
                "chat/fan-out", "a chat reaches every member, the sender included, with one seq",
                reference: asyncapi("msg"),
                requirement: "Chat to the room (`to` null) goes to every member; every recipient sees the same seq.",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                let peers = [
                    try await scope.join(room: room, user: "alice"), try await scope.join(room: room, user: "bob"),
                    try await scope.join(room: room, user: "carol"),
                ]
                await peers[1].chat("hello room")
                var seqs: [JSONValue] = []
                for peer in peers {
                    let msg = try await peer.event("msg")
                    try check(
                        msg["data"]?["from"] == .string("bob") && msg["data"]?["text"] == .string("hello room")
                            && msg["data"]?["to"] == .null,
                        expected: "\(peer.userID): msg {from bob, text \"hello room\", to null}",
                        observed: msg.compactText)
                    seqs.append(msg["data"]?["seq"] ?? .null)
                }
                try check(Set(seqs).count == 1, expected: "one seq for all three", observed: "\(seqs)")
                return .pass(observed: "3 recipients, seq \(seqs[0].compactText)")
            },
            socketCase(
                "chat/order", "every member sees a burst of chats in one order with increasing seq",
                reference: asyncapi("msg"),
                requirement: "`seq` increases per room; every recipient sees the same order.", schema: schema
            ) { scope in
                let (room, alice, bob) = try await scope.pair()
                let carol = try await scope.join(room: room, user: "carol")
                for i in 1...8 { await (i % 2 == 0 ? alice : bob).chat("m\(i)") }
                var orders: [[String]] = []
                for peer in [alice, bob, carol] {
                    var texts: [String] = []
                    var last = 0.0
                    for _ in 1...8 {
                        let msg = try await peer.event("msg")
                        let seq = msg["data"]?["seq"]?.doubleValue ?? 0
                        try check(
                            seq > last, expected: "seq increasing", observed: "\(seq) after \(last) at \(peer.userID)")
                        last = seq
                        texts.append(msg["data"]?["text"]?.stringValue ?? "")
                    }
                    orders.append(texts)
                }
                try check(
                    orders.allSatisfy { $0 == orders[0] }, expected: "one order everywhere", observed: "\(orders)")
                // One sender's own messages keep the order it sent them in.
                let fromBob = orders[0].filter { ["m1", "m3", "m5", "m7"].contains($0) }
                try check(
                    fromBob == ["m1", "m3", "m5", "m7"], expected: "bob's m1 m3 m5 m7 in order", observed: "\(fromBob)")
                return .pass(observed: orders[0].joined(separator: " "))
            },
            socketCase(
                "chat/private", "a private chat reaches its recipient and the sender only",
                reference: asyncapi("msg"),
                requirement: "Private chat (`to`) goes to the recipient and a copy to the sender, nobody else.",
                schema: schema
            ) { scope in
                let (room, alice, bob) = try await scope.pair()
                let carol = try await scope.join(room: room, user: "carol")
                await alice.chat("psst", to: "bob")
                let toBob = try await bob.event("msg")
                let copy = try await alice.event("msg")
                await alice.chat("public")
                let carolSees = try await carol.event("msg")
                try check(
                    toBob["data"]?["to"] == .string("bob") && copy["data"]?["text"] == .string("psst")
                        && carolSees["data"]?["text"] == .string("public"),
                    expected: "bob and alice get psst (to bob); carol's first msg is the public one",
                    observed: "bob \(toBob.compactText); carol \(carolSees.compactText)")
                return .pass(observed: toBob.compactText)
            },
            socketCase(
                "chat/ack-with-reply-to", "a chat with an id is acknowledged with reply_to; the broadcast has none",
                reference: contracts("reply_to appears only on the answer"),
                requirement: "An action with an id gets ack with reply_to; broadcasts never carry reply_to.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                await alice.chat("with id", id: "c-1")
                let ack = try await alice.event("ack|error", reply: "c-1")
                let msg = try await bob.event("msg")
                try check(
                    ack["event"] == .string("ack") && ack["data"]?["action"] == .string("chat")
                        && msg["reply_to"] == nil,
                    expected: "ack {action chat} reply_to c-1; msg without reply_to",
                    observed: "\(ack.compactText); \(msg.compactText)")
                return .pass(observed: ack.compactText)
            },
            socketCase(
                "chat/integer-id-echoed", "an integer id comes back as the same integer",
                reference: SpecReference("spec/room-ws.asyncapi.yaml", "components.schemas.ReplyTo"),
                requirement: "reply_to is the id of the action as the client sent it (string or integer).",
                schema: schema
            ) { scope in
                let alice = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "alice")
                await alice.send(.object([("action", .string("hand")), ("id", .integer(42)), ("raised", .bool(true))]))
                let answer = try await alice.event("ack") { $0["reply_to"] != nil }
                try check(
                    answer["reply_to"]?.isInteger == true && answer["reply_to"]?.doubleValue == 42,
                    expected: "reply_to 42 (an integer)", observed: answer.compactText)
                return .pass(observed: answer.compactText)
            },
            socketCase(
                "chat/empty-text-refused", "an empty chat text is refused and the connection kept",
                reference: asyncapi("chat"),
                requirement: "chat.text has minLength 1; an invalid field gets `error`, connection kept.",
                schema: schema
            ) { scope in
                let alice = try await scope.join(room: RoomSocketScope.freshRoomID(), user: "alice")
                let answer = try await alice.request("chat", id: "e", [("text", .string(""))])
                try check(
                    answer["event"] == .string("error"), expected: "error with reply_to e", observed: answer.compactText
                )
                let pong = try await textPing(alice)
                try check(pong, expected: "connection kept", observed: "closed")
                return .pass(observed: answer.compactText)
            },
        ]
    }
}
