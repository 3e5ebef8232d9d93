import ParleyJSON
import Foundation
import HTTPTypes
import Hummingbird
import ParleyConfig
import ParleyCrypto
import ParleyRooms
import ParleyTime

/// The MiroTalk REST handlers. Each step throws a ``MiroTalkReply`` to answer early; the work returns one.
/// A class: every route's closure holds the API, and as a struct (the whole configuration inside) each request
/// copied it field by field.
final class MiroTalkAPI: Sendable {
    typealias Step =
        @Sendable (Request, ParleyRequestContext, MiroTalkRequestBody) async throws(MiroTalkReply)
        -> MiroTalkReply

    let config: ParleyConfig
    let rooms: any RoomDirectory
    /// The whole service's rooms for stats, meetings and activeRooms (this node's alone without a cluster).
    let serviceView: ServiceWideView
    let apiKeySecret: String
    let issuer: MiroTalkTokenIssuer
    let activeRoomsLimiter: RateLimiter
    let clock: any ServerClock
    let randomNumber: @Sendable () -> Int

    init(
        services: ParleyServices,
        randomNumber: @escaping @Sendable () -> Int = { Int.random(in: 0...999_998) }
    ) {
        config = services.config
        rooms = services.rooms
        serviceView = ServiceWideView(services: services)
        apiKeySecret = services.secrets.apiKeySecret
        issuer = MiroTalkTokenIssuer(
            secret: services.secrets.jwtSecret, defaultLifetime: services.config.jwt.expire,
            clock: services.clock)
        // MiroTalk's `ACTIVE_ROOMS_RATE_LIMIT_*` defaults: 60 requests per minute per address.
        activeRoomsLimiter = RateLimiter(.fixedWindow(limit: 60, window: .seconds(60)), clock: services.clock)
        clock = services.clock
        self.randomNumber = randomNumber
    }

    /// A route's checks that cost nothing: its `api.allowed.*` switch, the API key, a rate limit. Returns headers
    /// every later answer of the route carries.
    typealias Gate = @Sendable (Request, ParleyRequestContext) async throws(MiroTalkReply) -> HTTPFields

    /// Runs the gate, then reads and parses the body (MiroTalk's Express parses every body, so a malformed one is
    /// refused on any route), then the handler. Unlike Express, the gate comes first: a request without the key
    /// never costs a body read or a parse (cheap checks before expensive ones).
    func respond(_ request: Request, _ context: ParleyRequestContext, gate: Gate, _ step: Step) async -> Response {
        var gateHeaders: HTTPFields = [:]
        var reply: MiroTalkReply
        do {
            gateHeaders = try await gate(request, context)
            let body = try await MiroTalkRequestBody.read(request, context: context)
            reply = try await step(request, context, body)
        } catch {
            reply = error
        }
        if !gateHeaders.isEmpty {
            var headers = gateHeaders
            headers.append(contentsOf: reply.extraHeaders)
            reply.extraHeaders = headers
        }
        return reply.response
    }

    /// The gate of a keyed route: the route's `api.allowed.*` switch (`enabled`), then the key, in MiroTalk's order.
    func keyed(enabled: Bool, disabled: MiroTalkReply) -> Gate {
        { [self] request, _ throws(MiroTalkReply) in
            try checkKeyed(enabled: enabled, disabled: disabled, request.headers)
            return [:]
        }
    }

    /// The keyed gate's checks on the request's headers alone (shared with the event-loop answer of /stats).
    func checkKeyed(enabled: Bool, disabled: MiroTalkReply, _ headers: HTTPFields) throws(MiroTalkReply) {
        guard enabled else { throw disabled }
        try authorize(headers)
    }

    // MARK: shared checks

    /// `ServerApi.isAuthorized`: the raw `authorization` value equals the key (no `Bearer`), compared in constant
    /// time; an empty key authorizes nothing.
    func authorize(_ request: Request) throws(MiroTalkReply) {
        try authorize(request.headers)
    }

    func authorize(_ headers: HTTPFields) throws(MiroTalkReply) {
        guard !apiKeySecret.isEmpty, let presented = headers.singleValue(.authorization),
            ConstantTime.equals(presented, apiKeySecret)
        else { throw MiroTalkReply.unauthorized }
    }

    /// Where links point: `http.public_url`, else `https://` + Host. A missing or malformed Host is refused with
    /// 400 (MiroTalk echoes whatever arrives).
    func linkBase(_ request: Request) throws(MiroTalkReply) -> String {
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!]
        guard let base = MiroTalkLinks.base(publicURL: config.http.publicURL, host: host) else {
            throw MiroTalkReply.statusMessage(.badRequest, inner: 400, "Invalid Host header")
        }
        return base
    }

    // MARK: GET /api/v1/stats (Server.js ~L1787)

    func stats(_ request: Request, _ context: ParleyRequestContext, _ body: MiroTalkRequestBody)
        async throws(MiroTalkReply) -> MiroTalkReply
    {
        statsReply(await serviceView.stats())
    }

    /// The /stats answer for these counts (shared with its event-loop answer, ``MiroTalkStatsImmediateRoute``):
    /// `{"success":true,"timestamp":...,"totalRooms":N,"totalUsers":N}` as `res.json` writes that object, written
    /// without building it (`MiroTalkReplyJSONTests` compares the two).
    func statsReply(_ counts: RegistryStats) -> MiroTalkReply {
        let timestamp = Self.isoTimestamp(clock.now)
        let bound = 64 + JSONOutput.bound(timestamp) + 2 * JSONOutput.numberBound
        var json = JSONBufferWriter(capacity: bound)
        json.write(atMost: bound) { out in
            out.raw(#"{"success":true,"timestamp":"#)
            out.string(timestamp)
            out.raw(#","totalRooms":"#)
            out.number(Double(counts.rooms))
            out.raw(#","totalUsers":"#)
            out.number(Double(counts.participants))
            out.byte(UInt8(ascii: "}"))
        }
        return MiroTalkReply(.ok, json: json.buffer)
    }

    /// `Date.prototype.toISOString`: UTC, milliseconds truncated, `Z`. For the server clock's now: a year of four
    /// digits (0000–9999, what toISOString writes without a sign).
    static func isoTimestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.quotient(dividingBy: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Hand-formatted into one fixed-size byte array: String(format:) goes through Foundation, and a string per
        // field showed up on the /stats profile.
        var text: [UInt8] = Array("0000-00-00T00:00:00.000Z".utf8)
        func put(_ value: Int, at end: Int, width: Int) {
            var rest = value
            for index in stride(from: end, to: end - width, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 3, width: 4)
        put(Int(parts.tm_mon) + 1, at: 6, width: 2)
        put(Int(parts.tm_mday), at: 9, width: 2)
        put(Int(parts.tm_hour), at: 12, width: 2)
        put(Int(parts.tm_min), at: 15, width: 2)
        put(Int(parts.tm_sec), at: 18, width: 2)
        put(Int(milliseconds.floorModulo(1000)), at: 22, width: 3)
        return String(decoding: text, as: UTF8.self)
    }

    // MARK: GET /api/v1/meetings (ServerApi.getMeetings)

    func meetings(_ request: Request, _ context: ParleyRequestContext, _ body: MiroTalkRequestBody)
        async throws(MiroTalkReply) -> MiroTalkReply
    {
        let meetings = await serviceView.allRooms().map { room in
            JSONValue.object([
                ("roomId", .string(room.id.rawValue)),
                ("peers", .array(room.participants.map(Self.peer))),
            ])
        }
        return MiroTalkReply(.ok, .object([("meetings", .array(meetings))]))
    }

    /// MiroTalk's peer entry; hosts (Monibuca JWT) report `presenter: true`, as the rights are the same.
    static func peer(_ participant: Participant) -> JSONValue {
        .object([
            ("name", .string(participant.name)),
            ("presenter", .bool(participant.isPresenter)),
            ("video", .bool(participant.media.video)),
            ("audio", .bool(participant.media.audio)),
            ("screen", .bool(participant.media.screen)),
            ("hand", .bool(participant.media.hand)),
            ("os", .string(participant.os)),
            ("browser", .string(participant.browser)),
        ])
    }

    // MARK: POST /api/v1/meeting (ServerApi.getMeetingURL)

    func meeting(_ request: Request, _ context: ParleyRequestContext, _ body: MiroTalkRequestBody)
        async throws(MiroTalkReply) -> MiroTalkReply
    {
        let url = try linkBase(request) + "/join/" + UUID().uuidString.lowercased()
        return MiroTalkReply(.ok, .object([("meeting", .string(url))]))
    }
}

extension Int64 {
    func quotient(dividingBy divisor: Int64) -> Int64 {
        (self - floorModulo(divisor)) / divisor
    }

    func floorModulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
