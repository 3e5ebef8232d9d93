import ParleyJSON
import Foundation
import HTTPTypes
import Hummingbird
import ParleyRooms

extension MiroTalkAPI {
    // MARK: POST /api/v1/join (ServerApi.getJoinURL)

    /// Every field is `x || default`, rendered with JavaScript's `String(x)`, in MiroTalk's fixed order; `name` and
    /// `avatar` go through `encodeURIComponent`, the rest raw.
    ///
    /// Parley differences (deliberate): no body at all → 400 (MiroTalk destructures `undefined` and answers 500);
    /// a `room` outside the identifier grammar `[A-Za-z0-9._~-]{1,64}` → 400 (docs/contracts.md §Identifiers: such a
    /// room could never be joined, and MiroTalk would paste it unencoded into the query string).
    func join(_ request: Request, _ context: ParleyRequestContext, _ body: MiroTalkRequestBody)
        async throws(MiroTalkReply) -> MiroTalkReply
    {
        guard let fields = body.value else {
            throw MiroTalkReply.statusMessage(
                .badRequest, inner: 400, "Missing request body: send the join parameters as JSON")
        }
        let base = try linkBase(request)
        func field(_ name: String) -> JSONValue? {
            guard let value = fields[name], value.isTruthy else { return nil }
            return value
        }
        let room: String
        if let given = field("room") {
            room = given.jsString
            guard RoomID(room) != nil else {
                throw MiroTalkReply.statusMessage(
                    .badRequest, inner: 400, "Invalid room: must match [A-Za-z0-9._~-]{1,64}")
            }
        } else {
            room = UUID().uuidString.lowercased()
        }
        var url = base + "/join?room=" + room
        url += "&roomPassword=" + (field("roomPassword")?.jsString ?? "false")
        url += "&name=" + MiroTalkLinks.encodeURIComponent(field("name")?.jsString ?? "User-\(randomNumber())")
        url += "&avatar=" + MiroTalkLinks.encodeURIComponent(field("avatar")?.jsString ?? "false")
        for flag in ["audio", "video", "screen", "chat", "hide", "notify"] {
            url += "&\(flag)=" + (field(flag)?.jsString ?? "false")
        }
        url += "&duration=" + (field("duration")?.jsString ?? "unlimited")
        if let token = field("token") {
            do {
                url += "&token=" + (try issuer.token(for: token))
            } catch {
                throw MiroTalkReply.invalidExpire // MiroTalk: jwt.sign throws → generic 500; Parley: 400
            }
        }
        return MiroTalkReply(.ok, .object([("join", .string(url))]))
    }

    // MARK: POST /api/v1/token (ServerApi.getToken)

    /// No body → `{"token":""}` (MiroTalk's `getToken(undefined)`). An `expire` jsonwebtoken refuses makes MiroTalk
    /// answer a generic 500; Parley answers 400 naming the field (bad input is the client's error, not the server's).
    func token(_ request: Request, _ context: ParleyRequestContext, _ body: MiroTalkRequestBody)
        async throws(MiroTalkReply) -> MiroTalkReply
    {
        do {
            return MiroTalkReply(.ok, .object([("token", .string(try issuer.token(for: body.value)))]))
        } catch {
            throw MiroTalkReply.invalidExpire
        }
    }

    // MARK: DELETE /api/v1/meeting/{room} (ServerApi.endMeeting)

    /// Ends the meeting through the registry: its `ended`/`participantLeft` events tell the room sockets and the
    /// media layer, which eject and close (this handler never touches them).
    ///
    /// Parley differences: the optional `redirect` is read but not forwarded (the registry's `end` carries no
    /// redirect yet); a room path that is not valid percent-encoding → 400 `{"status":400,"message":"Invalid URL
    /// encoding"}` (MiroTalk's URIError handler); a decoded room outside the identifier grammar → 404 "Room not
    /// found", since no such room can exist (the MiroTalk answer, not the 400 of docs/contracts.md §Identifiers).
    func endMeeting(_ request: Request, _ context: ParleyRequestContext, _ body: MiroTalkRequestBody)
        async throws(MiroTalkReply) -> MiroTalkReply
    {
        let raw = context.parameters.get("room") ?? ""
        guard let room = raw.removingPercentEncoding else {
            throw MiroTalkReply.statusMessage(.badRequest, inner: 400, "Invalid URL encoding")
        }
        let notFound = MiroTalkReply(.notFound, .object([("success", false), ("error", "Room not found")]))
        guard let id = RoomID(room) else { throw notFound }
        do {
            _ = try await rooms.end(id, by: .rest)
        } catch RoomError.roomNotFound {
            throw notFound
        } catch {
            throw MiroTalkReply(
                .internalServerError,
                .object([("success", false), ("error", "Failed to end meeting.")]))
        }
        return MiroTalkReply(
            .ok,
            .object([
                ("success", true), ("message", "Meeting ended"), ("room", .string(room)),
            ]))
    }

    // MARK: GET /api/v1/activeRooms (ServerApi.getActiveRooms)

    /// The gate of `/activeRooms`: public (no key), rate-limited per address before anything else with draft-6
    /// `RateLimit-*` headers (express-rate-limit `standardHeaders`) on every answer, then switched by
    /// `api.allowed.active_rooms` (MiroTalk `ui.rooms.showActive`).
    func activeRoomsGate(_ request: Request, _ context: ParleyRequestContext) throws(MiroTalkReply) -> HTTPFields {
        let decision = activeRoomsLimiter.hit(context.clientAddress)
        var headers: HTTPFields = [
            HTTPField.Name("RateLimit-Policy")!: "\(decision.limit);w=60",
            HTTPField.Name("RateLimit-Limit")!: "\(decision.limit)",
            HTTPField.Name("RateLimit-Remaining")!: "\(decision.remaining)",
            HTTPField.Name("RateLimit-Reset")!: "\(decision.resetSeconds)",
        ]
        guard decision.allowed else {
            headers[.retryAfter] = "\(decision.resetSeconds)"
            throw MiroTalkReply(
                .tooManyRequests,
                .object([("error", "Too many requests. Please try again after 1 minute.")]),
                headers: headers)
        }
        guard config.api.allowed.activeRooms else {
            var reply = MiroTalkReply.disabled
            reply.extraHeaders = headers
            throw reply
        }
        return headers
    }

    func activeRooms(_ request: Request, _ context: ParleyRequestContext, _ body: MiroTalkRequestBody)
        async throws(MiroTalkReply) -> MiroTalkReply
    {
        let base = try linkBase(request)
        let entries = await serviceView.allRooms().map { room in
            JSONValue.object([
                ("id", .string(room.id.rawValue)),
                ("peers", .number(Double(room.participants.count))),
                ("join", .string(base + "/" + room.id.rawValue)),
            ])
        }
        return MiroTalkReply(.ok, .object([("activeRooms", .array(entries))]))
    }
}
