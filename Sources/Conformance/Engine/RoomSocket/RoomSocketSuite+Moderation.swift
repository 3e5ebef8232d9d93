import Foundation

extension RoomSocketSuite {
    static func moderationCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            socketCase(
                "moderation/kick", "a presenter's kick: control kick then close 4100; the others see reason kicked",
                reference: asyncapi("kick"),
                requirement:
                    "Moderator removes a participant: it gets control kick, then close 4100; others get userleave reason kicked.",
                schema: schema
            ) { scope in
                let (room, alice, bob) = try await scope.pair()
                let carol = try await scope.join(room: room, user: "carol")
                let answer = try await alice.request("kick", id: "k", [("user_id", .string("bob"))])
                let notice = try await bob.event("control")
                let close = await bob.closeCode()
                let left = try await carol.event("userleave") { $0["data"]?["user_id"] == .string("bob") }
                try check(
                    answer["event"] == .string("ack") && notice["data"]?["action"] == .string("kick")
                        && notice["data"]?["user_id"] == .string("bob") && close.code == 4100
                        && left["data"]?["reason"] == .string("kicked") && left["data"]?["by"] != .null,
                    expected:
                        "ack; bob: control {action kick} then close 4100; carol: userleave {reason kicked, by set}",
                    observed:
                        "\(answer.compactText); \(notice.compactText); close \(close.code.map(String.init) ?? "-"); \(left.compactText)"
                )
                // Stateful: the kicked member is gone from the room, not only told so.
                let late = try await scope.join(room: room, user: "late")
                try check(
                    !participantIDs(late.joined).contains("bob"), expected: "bob no longer a participant",
                    observed: "\(participantIDs(late.joined))")
                return .pass(observed: left.compactText)
            },
            socketCase(
                "moderation/kicked-token-refused", "a kicked member's session token no longer joins",
                reference: rights("room session token"),
                requirement: "The session token is refused after a kick (close 4001).", schema: schema
            ) { scope in
                let (room, alice, bob) = try await scope.pair()
                guard let token = bob.sessionToken else { throw CaseStop.broken("no session token") }
                _ = try await alice.request("kick", id: "k", [("user_id", .string("bob"))])
                let close = await bob.closeCode()
                try check(
                    close.code == 4100, expected: "the kick closes bob's socket with 4100",
                    observed: "close \(close.code.map(String.init) ?? "-")")
                return .pass(
                    observed: try await scope.expectRefusal(
                        room: room, user: "bob", token: token, code: "invalid_token", closeCode: 4001))
            },
            socketCase(
                "moderation/participant-cannot-kick", "a participant's kick is refused and nobody leaves",
                reference: rights("Roles"),
                requirement:
                    "Only presenters and hosts kick; a participant gets error not_permitted and the target stays.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                let answer = try await bob.request("kick", id: "k", [("user_id", .string("alice"))])
                try check(
                    answer["data"]?["code"] == .string("not_permitted"), expected: "error not_permitted",
                    observed: answer.compactText)
                _ = try await textPing(alice)
                return .pass(observed: answer.compactText)
            },
            socketCase(
                "moderation/mute-chat", "mute_chat: everyone sees control, the muted member's chat is refused",
                reference: asyncapi("mute_chat"),
                requirement: "A chat-muted participant's chat is refused with chat_muted until unmuted.", schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                _ = try await alice.request(
                    "mute_chat", id: "m", [("user_id", .string("bob")), ("muted", .bool(true))])
                let notice = try await bob.event("control")
                let refused = try await bob.request("chat", id: "c", [("text", .string("let me talk"))])
                _ = try await alice.request(
                    "mute_chat", id: "u", [("user_id", .string("bob")), ("muted", .bool(false))])
                let again = try await bob.request("chat", id: "c2", [("text", .string("thanks"))])
                try check(
                    notice["data"]?["action"] == .string("mute_chat") && notice["data"]?["muted"] == .bool(true)
                        && refused["data"]?["code"] == .string("chat_muted") && again["event"] == .string("ack"),
                    expected: "control mute_chat muted; chat → error chat_muted; after unmute chat → ack",
                    observed: "\(notice.compactText); \(refused.compactText); \(again.compactText)")
                return .pass(observed: refused.compactText)
            },
            socketCase(
                "moderation/mute-media", "mute_media reaches the target as control mute_media",
                reference: asyncapi("mute_media"),
                requirement:
                    "A moderator asks a participant's page to mute its media: control {action mute_media, kind}.",
                schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                _ = try await alice.request(
                    "mute_media", id: "mm", [("user_id", .string("bob")), ("kind", .string("audio"))])
                let notice = try await bob.event("control")
                try check(
                    notice["data"]?["action"] == .string("mute_media") && notice["data"]?["kind"] == .string("audio"),
                    expected: "control {action mute_media, kind audio}", observed: notice.compactText)
                return .pass(observed: notice.compactText)
            },
            socketCase(
                "moderation/lock-unlock", "lock refuses new joins with 4023 and unlock admits again",
                reference: contracts("4023 room locked"),
                requirement:
                    "lock → `locked` to all and new joiners refused (room_locked, 4023); unlock → `unlocked`, joins work.",
                schema: schema
            ) { scope in
                let (room, alice, bob) = try await scope.pair()
                _ = try await alice.request("lock", id: "l")
                let locked = try await bob.event("locked")
                let refused = try await scope.expectRefusal(
                    room: room, user: "late", code: "room_locked", closeCode: 4023)
                _ = try await alice.request("unlock", id: "u")
                _ = try await bob.event("unlocked")
                let late = try await scope.join(room: room, user: "late")
                try check(
                    locked["data"]?["by"] == .string("user:alice") && late.joined != nil,
                    expected: "locked {by user:alice}; after unlock late joins", observed: locked.compactText)
                return .pass(observed: refused)
            },
            socketCase(
                "moderation/end", "end: everyone gets `ended`, then close 4101",
                reference: contracts("4101 the room was ended"),
                requirement: "A moderator's end: every socket gets ended, then close 4101.", schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                await alice.send(.object([("action", .string("end"))]))
                var observed: [String] = []
                for peer in [alice, bob] {
                    let ended = try await peer.event("ended")
                    let close = await peer.closeCode()
                    try check(
                        close.code == 4101, expected: "\(peer.userID): close 4101 after ended",
                        observed: "close \(close.code.map(String.init) ?? "-")")
                    observed.append("\(peer.userID): \(ended.compactText)")
                }
                return .pass(observed: observed.joined(separator: "; "))
            },
            socketCase(
                "moderation/participant-cannot-end", "a participant's end is refused and the room goes on",
                reference: rights("Roles"),
                requirement: "Only presenters and hosts end a room; a participant gets not_permitted.", schema: schema
            ) { scope in
                let (_, alice, bob) = try await scope.pair()
                let answer = try await bob.request("end", id: "e")
                let ended = await alice.drain(for: 0.5).filter { $0["event"] == .string("ended") }
                try check(
                    answer["data"]?["code"] == .string("not_permitted") && ended.isEmpty,
                    expected: "error not_permitted; no ended", observed: "\(answer.compactText); \(ended.count) ended")
                return .pass(observed: answer.compactText)
            },
        ]
    }
}
