import Foundation

extension RoomSocketSuite {
    static func credentialCases(_ schema: RoomSocketSchema) -> [ConformanceCase] {
        [
            socketCase(
                "credentials/password-admits", "the room password admits",
                reference: rights("room password"), requirement: "`password=` with the room's password joins it.",
                schema: schema
            ) { scope in
                try await MeetingREST.withRoom(scope.context, [("password", .string("open-sesame"))]) { room in
                    let dave = try await scope.join(room: room, user: "dave", password: "open-sesame")
                    return .pass(observed: "joined as \(dave.role ?? "-")")
                }
            },
            socketCase(
                "credentials/wrong-password-4003", "a wrong password: wrong_password, close 4003",
                reference: contracts("4003 wrong password"),
                requirement: "A wrong room password is refused with error wrong_password and close 4003.",
                schema: schema
            ) { scope in
                try await MeetingREST.withRoom(scope.context, [("password", .string("open-sesame"))]) { room in
                    .pass(
                        observed: try await scope.expectRefusal(
                            room: room, user: "eve", password: "open-sesame!", code: "wrong_password",
                            closeCode: 4003))
                }
            },
            socketCase(
                "credentials/missing-password-4003", "no password for a protected room: wrong_password, close 4003",
                reference: contracts("4003 wrong password"),
                requirement: "Joining a room with a password without presenting one is refused like a wrong one.",
                schema: schema
            ) { scope in
                try await MeetingREST.withRoom(scope.context, [("password", .string("open-sesame"))]) { room in
                    .pass(
                        observed: try await scope.expectRefusal(
                            room: room, user: "eve", code: "wrong_password", closeCode: 4003))
                }
            },
            socketCase(
                "credentials/mirotalk-presenter-string",
                "a MiroTalk token with \"presenter\":\"true\" joins as presenter",
                reference: rights("MiroTalk token"),
                requirement:
                    "token= with a MiroTalk token joins any room; as presenter when its payload says so (MiroTalk's string \"true\").",
                schema: schema
            ) { scope in
                let token = try await MeetingCredentials.mirotalkToken(scope.context, presenter: .string("true"))
                let room = RoomSocketScope.freshRoomID()
                _ = try await scope.join(room: room, user: "first")
                let pres = try await scope.join(room: room, user: "pres", token: token)
                try check(pres.role == "presenter", expected: "role presenter", observed: "role \(pres.role ?? "-")")
                return .pass(observed: "role presenter")
            },
            socketCase(
                "credentials/mirotalk-participant-string",
                "a MiroTalk token with \"presenter\":\"false\" is a participant",
                reference: rights("MiroTalk token"),
                requirement: "MiroTalk's string \"false\" is false: the token's holder joins as participant.",
                schema: schema
            ) { scope in
                let token = try await MeetingCredentials.mirotalkToken(scope.context, presenter: .string("false"))
                let room = RoomSocketScope.freshRoomID()
                _ = try await scope.join(room: room, user: "first")
                let guest = try await scope.join(room: room, user: "guest", token: token)
                try check(
                    guest.role == "participant", expected: "role participant", observed: "role \(guest.role ?? "-")")
                return .pass(observed: "role participant")
            },
            socketCase(
                "credentials/monibuca-jwt-host", "a Monibuca JWT joins as host past the lock and the password",
                reference: rights("Monibuca JWT"),
                requirement: "token= with a Monibuca JWT joins any room as host, past its lock and password.",
                schema: schema
            ) { scope in
                let context = scope.context
                return try await MeetingREST.withRoom(context, [("password", .string("s3cret"))]) { room in
                    _ = try await MeetingREST.data(context, "POST", "/rooms/\(room)/lock")
                    let host = try await scope.join(
                        room: room, user: "boss", token: try await MeetingCredentials.adminJWT(context))
                    try check(
                        host.role == "host" && host.joined?["data"]?["room"]?["locked"] == .bool(true),
                        expected: "role host in a locked room", observed: host.joined?.compactText ?? "")
                    return .pass(observed: "host in the locked, password-protected room")
                }
            },
            socketCase(
                "credentials/garbage-token-4001", "an unreadable token: invalid_token, close 4001",
                reference: contracts("4001 token required, invalid or expired"),
                requirement: "A token that is no credential the server issued is refused with invalid_token and 4001.",
                schema: schema
            ) { scope in
                .pass(
                    observed: try await scope.expectRefusal(
                        room: RoomSocketScope.freshRoomID(), user: "x", token: "not.a.token", code: "invalid_token",
                        closeCode: 4001))
            },
            socketCase(
                "credentials/wrong-secret-jwt-4001", "a JWT signed with another secret: invalid_token, close 4001",
                reference: contracts("4001 token required, invalid or expired"),
                requirement: "A well-formed HS256 JWT under a foreign secret is not a credential (RFC 7515 §5.2).",
                schema: schema
            ) { scope in
                _ = try await MeetingCredentials.adminJWT(scope.context) // SKIP unless admin credentials were given
                let forged = MeetingCredentials.mint(
                    secret: "conform-not-the-secret-0123456789abcdef", subject: "admin", lifetime: 3600)
                return .pass(
                    observed: try await scope.expectRefusal(
                        room: RoomSocketScope.freshRoomID(), user: "x", token: forged, code: "invalid_token",
                        closeCode: 4001))
            },
            socketCase(
                "credentials/expired-jwt-4001", "an expired Monibuca JWT: token_expired, close 4001",
                reference: contracts("4001 token required, invalid or expired"),
                requirement: "A JWT whose exp has passed (RFC 7519 §4.1.4) is refused with token_expired and 4001.",
                schema: schema
            ) { scope in
                guard let secret = scope.context.options.authSecret, !secret.isEmpty else {
                    throw CaseStop.skip("needs --auth-secret to sign an expired JWT")
                }
                let expired = MeetingCredentials.mint(secret: secret, subject: "admin", lifetime: -60)
                return .pass(
                    observed: try await scope.expectRefusal(
                        room: RoomSocketScope.freshRoomID(), user: "x", token: expired, code: "token_expired",
                        closeCode: 4001))
            },
            socketCase(
                "credentials/session-token-resumes", "the session token rejoins after a dropped connection, same role",
                reference: rights("room session token"),
                requirement:
                    "The session_token from joined rejoins the same room under the same user id after its connection dropped, with the role it had.",
                schema: schema
            ) { scope in
                let (room, alice, bob) = try await scope.pair()
                guard let token = alice.sessionToken else { throw CaseStop.broken("no session token") }
                await alice.drop()
                let left = try await bob.event("userleave")
                let again = try await scope.join(room: room, user: "alice", token: token)
                try check(
                    again.role == alice.role && left["data"]?["reason"] == .string("dropped"),
                    expected: "userleave reason dropped; rejoined with role \(alice.role ?? "-")",
                    observed: "\(left.compactText); rejoined as \(again.role ?? "-")")
                return .pass(observed: "rejoined as \(again.role ?? "-")")
            },
            socketCase(
                "credentials/session-token-after-leave-4001", "the session token is refused after a leave",
                reference: rights("room session token"),
                requirement: "A session token is never accepted after a leave: the rejoin is refused with close 4001.",
                schema: schema
            ) { scope in
                let room = RoomSocketScope.freshRoomID()
                _ = try await scope.join(room: room, user: "keeper")
                let alice = try await scope.join(room: room, user: "alice")
                guard let token = alice.sessionToken else { throw CaseStop.broken("no session token") }
                _ = try await alice.request("leave", id: "bye")
                _ = await alice.closeCode()
                return .pass(
                    observed: try await scope.expectRefusal(
                        room: room, user: "alice", token: token, code: "invalid_token", closeCode: 4001))
            },
        ]
    }
}
