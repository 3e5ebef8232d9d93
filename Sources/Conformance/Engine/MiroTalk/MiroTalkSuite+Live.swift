import Foundation

/// Stateful MiroTalk cases on live rooms. MiroTalk's REST API cannot make a participant, so the rooms are populated
/// through Parley's room WebSocket; they run only with `--room-ws` (the target is Parley or speaks its socket).
extension MiroTalkSuite {
    static func requireRoomSocket(_ context: CaseContext) throws(CaseStop) {
        guard context.options.roomWebSocket else {
            throw .skip("needs --room-ws (live rooms are populated through Parley's room WebSocket)")
        }
    }

    static func liveCase(
        _ slug: String, _ title: String, reference: SpecReference, requirement: String, schema: RoomSocketSchema,
        body: @escaping @Sendable (RoomSocketScope) async throws -> CaseOutcome
    ) -> ConformanceCase {
        RoomSocketSuite.socketCase(
            slug, title, reference: reference, requirement: requirement, schema: schema, profile: "mirotalk",
            area: "live"
        ) { scope in
            try requireRoomSocket(scope.context)
            return try await body(scope)
        }
    }

    /// The `/meetings` entry of `room`, or nil.
    static func meeting(_ context: CaseContext, _ room: String) async throws -> JSONValue? {
        let body = try await expectJSON(context, try keyed(context, "GET", "/api/v1/meetings"))
        return body["meetings"]?.arrayValue?.first { $0["roomId"] == .string(room) }
    }

    static func liveCases(schema: RoomSocketSchema, documents: SpecDocuments) -> [ConformanceCase] {
        [
            liveCase(
                "meetings-lists-peers", "/meetings lists a live room's peers with their names and presenter flags",
                reference: SpecReference("spec/mirotalk-v1.yaml#getMeetings", "Meeting.peers"),
                requirement: "GET /api/v1/meetings holds each live room with one Peer per participant, in join order.",
                schema: schema
            ) { scope in
                let context = scope.context
                try await MiroTalkRoutes.requireEnabled(.meetings, context)
                let room = RoomSocketScope.freshRoomID("miro")
                _ = try await scope.join(room: room, user: "ada", name: "Ada")
                _ = try await scope.join(room: room, user: "bob", name: "Bob")
                let entry = try await meeting(context, room)
                let peers = entry?["peers"]?.arrayValue ?? []
                let summary = peers.map { "\($0["name"]?.stringValue ?? "?")/\($0["presenter"]?.compactText ?? "?")" }
                try check(
                    summary == ["Ada/true", "Bob/false"], expected: "peers Ada (presenter), Bob",
                    observed: entry?.compactText ?? "room \(room) missing from /meetings")
                if let entry,
                    let problems = documents.violations(
                        document: "mirotalk-v1", operationId: "getMeetings", status: 200,
                        body: .object([("meetings", .array([entry]))]))
                {
                    throw CaseStop.violated(
                        expected: "the entry matches Meeting", observed: problems.joined(separator: "; "))
                }
                return .pass(observed: summary.joined(separator: ", "))
            },
            liveCase(
                "stats-counts-live", "/stats counts a live room and its users",
                reference: SpecReference("spec/mirotalk-v1.yaml#getStats", "totalRooms totalUsers"),
                requirement:
                    "totalRooms and totalUsers count the live registry: a new room with two users adds 1 and 2.",
                schema: schema
            ) { scope in
                let context = scope.context
                try await MiroTalkRoutes.requireEnabled(.stats, context)
                let before = try await expectJSON(context, try keyed(context, "GET", "/api/v1/stats"))
                let room = RoomSocketScope.freshRoomID("miro")
                let ada = try await scope.join(room: room, user: "ada")
                _ = try await scope.join(room: room, user: "bob")
                let during = try await expectJSON(context, try keyed(context, "GET", "/api/v1/stats"))
                await ada.close()
                _ = try await scope.join(room: room, user: "cy")
                let rooms = (during["totalRooms"]?.doubleValue ?? 0) - (before["totalRooms"]?.doubleValue ?? 0)
                let users = (during["totalUsers"]?.doubleValue ?? 0) - (before["totalUsers"]?.doubleValue ?? 0)
                try check(
                    rooms == 1 && users == 2, expected: "totalRooms +1, totalUsers +2",
                    observed: "totalRooms +\(rooms), totalUsers +\(users)")
                return .pass(observed: "totalRooms +1, totalUsers +2")
            },
            liveCase(
                "active-rooms-live", "/activeRooms lists a live room with its peer count and join URL",
                reference: SpecReference("spec/mirotalk-v1.yaml#getActiveRooms", "ActiveRoom"),
                requirement: "Each live room is {id, peers: <count>, join: https://<Host>/join/<id>} (no key needed).",
                schema: schema
            ) { scope in
                let context = scope.context
                try await MiroTalkRoutes.requireEnabled(.activeRooms, context)
                let room = RoomSocketScope.freshRoomID("miro")
                _ = try await scope.join(room: room, user: "ada")
                _ = try await scope.join(room: room, user: "bob")
                let body = try await expectJSON(context, HTTPRequest(method: "GET", path: "/api/v1/activeRooms"))
                let entry = body["activeRooms"]?.arrayValue?.first { $0["id"] == .string(room) }
                try check(
                    entry?["peers"] == .integer(2) && (entry?["join"]?.stringValue ?? "").hasSuffix(room),
                    expected: "{id \(room), peers 2, join …\(room)}", observed: entry?.compactText ?? "missing")
                return .pass(observed: entry?.compactText ?? "")
            },
            liveCase(
                "meeting-end-ends-sockets",
                "DELETE /meeting/{room} ends a live room: ended, close 4101, gone from /meetings",
                reference: SpecReference("spec/mirotalk-v1.yaml#endMeeting", "200"),
                requirement:
                    "Ending a live room answers 200, every socket gets ended then close 4101, and the room leaves /meetings.",
                schema: schema
            ) { scope in
                let context = scope.context
                try await MiroTalkRoutes.requireEnabled(.meetingEnd, context)
                try await MiroTalkRoutes.requireEnabled(.meetings, context)
                let room = RoomSocketScope.freshRoomID("miro")
                let ada = try await scope.join(room: room, user: "ada")
                let response = try await context.send(try keyed(context, "DELETE", "/api/v1/meeting/\(room)"))
                let ended = try await ada.event("ended")
                let close = await ada.closeCode()
                let after = try await meeting(context, room)
                try check(
                    response.status == 200 && close.code == 4101 && after == nil,
                    expected: "200; ended then close 4101; not in /meetings",
                    observed:
                        "\(response.status) \(response.bodyText.prefix(120)); \(ended.compactText); close \(close.code.map(String.init) ?? "-"); \(after?.compactText ?? "gone")"
                )
                return .pass(observed: "\(response.status); close 4101")
            },
            liveCase(
                "presenter-token-in-meetings", "a presenter token's joiner is presenter true in /meetings",
                reference: tokenReference,
                requirement:
                    "The token's presenter (MiroTalk's string \"true\") makes the joiner presenter, and /meetings says so.",
                schema: schema
            ) { scope in
                let context = scope.context
                try await MiroTalkRoutes.requireEnabled(.meetings, context)
                let token = try await MeetingCredentials.mirotalkToken(
                    context, presenter: .string("true"), username: "Pres")
                let room = RoomSocketScope.freshRoomID("miro")
                _ = try await scope.join(room: room, user: "first", name: "First")
                _ = try await scope.join(room: room, user: "pres", token: token)
                let peers = try await meeting(context, room)?["peers"]?.arrayValue ?? []
                let pres = peers.first { $0["name"] == .string("Pres") }
                try check(
                    pres?["presenter"] == .bool(true), expected: "peer Pres with presenter true",
                    observed: peers.map(\.compactText).joined(separator: ", "))
                return .pass(observed: pres?.compactText ?? "")
            },
        ]
    }
}
