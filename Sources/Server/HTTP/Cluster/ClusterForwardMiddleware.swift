import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ParleyJSON
import ParleyRooms
import ParleyTime

/// REST moderation and room reads sent to a node that does not own the room go to the owner, whose answer is
/// returned as it is (status, body, the route's own headers): `DELETE /api/v1/meeting/{room}`,
/// `DELETE|GET /meeting/api/rooms/{room_id}`, `GET /meeting/api/room/{room_id}`,
/// `GET /meeting/api/rooms/{room_id}/users`, `POST /meeting/api/rooms/{room_id}/lock|unlock` and
/// `POST /meeting/api/control/mute|unmute|kick` (room in the body). The owner runs the same public route, so its
/// checks (API key, JWT, body) and answers are the ones a single node gives.
///
/// `POST /meeting/api/rooms` claims its `room_id` for this node before the room is made here, so the room's owner
/// is known before the 2xx; an id a live node already owns goes to that node, which answers as a single node would
/// (409 for a room it has, or it makes the room there) — one room per id in the whole service.
///
/// The forwarded request carries the cluster secret and ``ClusterHeaders/hop``: the owner serves it where it lands
/// (one hop, no loops). A hop header without the right secret is refused (401), so a client cannot pose as a node.
struct ClusterForwardMiddleware: RouterMiddleware {
    typealias Context = ParleyRequestContext
    let relay: ClusterRelay
    let logger: Logger
    /// The owner's answer body is bounded like any request body the server accepts, with room to spare.
    static let maxAnswerBytes = 8 << 20

    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.headers[ClusterHeaders.hop] != nil {
            guard relay.authorizes(request.headers) else {
                throw HTTPError(.unauthorized, message: "A forwarded request needs the cluster secret.")
            }
            return try await next(request, context)
        }
        guard let target = ModerationTarget(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        var request = request
        let room: RoomID?
        switch target {
        case .path(let id): room = id
        case .bodyRoomID, .creation:
            // The body is read once here and handed on, whether the request is forwarded or served locally.
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            request.body = .init(buffer: body)
            room = Self.roomID(inBody: body)
        }
        guard let room else { return try await next(request, context) }
        let route: RoomRoute
        do {
            route =
                target == .creation
                ? try await relay.routing.claim(room) : try await relay.routing.route(room, placing: false)
        } catch {
            // Without the directory this node cannot tell whether it may act on the room: say so, do not guess.
            logger.notice("room directory unavailable", metadata: ["error": "\(error)"])
            return Self.failure(
                .serviceUnavailable, path: request.uri.path, "The room directory is unavailable; try again.")
        }
        guard case .remote(let owner) = route else { return try await next(request, context) }
        return await forward(request, to: owner, context: context)
    }

    /// `room_id` of a JSON body; nil when the body is not such an object (the local route then says what is wrong).
    static func roomID(inBody body: ByteBuffer) -> RoomID? {
        guard let value = try? JSONValue.parse(Array(buffer: body)), let text = value["room_id"]?.stringValue
        else { return nil }
        return RoomID(text)
    }

    func forward(_ request: Request, to owner: ClusterPeer, context: Context) async -> Response {
        var outgoing = HTTPClientRequest(url: ClusterRoutes.url(owner, path: request.uri.description))
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        for field in relay.internalHeaders {
            outgoing.headers.replaceOrAdd(name: field.name.rawName, value: field.value)
        }
        outgoing.headers.replaceOrAdd(name: ClusterHeaders.clientAddress.rawName, value: context.clientAddress)
        do {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            if body.readableBytes > 0 { outgoing.body = .bytes(body) }
            let timeout = TimeAmount.milliseconds(Int64(relay.forwardTimeout.inSeconds * 1000))
            let answer = try await relay.http.execute(outgoing, timeout: timeout)
            let answerBody = try await answer.body.collect(upTo: Self.maxAnswerBytes)
            var headers = HTTPFields()
            for (name, value) in answer.headers {
                guard let fieldName = HTTPField.Name(name), !Self.notRelayed.contains(fieldName.canonicalName) else {
                    continue
                }
                headers.append(HTTPField(name: fieldName, value: value))
            }
            ClusterRelayMetrics.answered.increment()
            return Response(
                status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers,
                body: .init(byteBuffer: answerBody))
        } catch {
            ClusterRelayMetrics.failed.increment()
            logger.notice(
                "forward to room owner failed",
                metadata: ["node": "\(owner.nodeID)", "path": "\(request.uri.path)", "error": "\(error)"])
            return Self.failure(
                .badGateway, path: request.uri.path, "The node that runs this room could not be reached; try again.")
        }
    }

    /// An error in the route's own format: MiroTalk's `{success, error}` under `/api/v1/`, else the Monibuca envelope.
    static func failure(_ status: HTTPResponse.Status, path: String, _ message: String) -> Response {
        if path.hasPrefix("/api/v1/") {
            let body = JSONValue.object([("success", false), ("error", .string(message))]).serialized
            return Response(
                status: status, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return MonibucaEnvelope.failure(status, message)
    }

    /// Connection-level fields (RFC 9110 §7.6.1) and the ones this node sets itself.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "content-length",
    ]
    /// The owner's answer keeps its own fields but not the ones this node's middleware writes (request id, CORS)
    /// or that describe the owner's connection.
    static let notRelayed: Set<String> = hopByHop.union([
        "x-request-id", "access-control-allow-origin", "access-control-allow-credentials",
        "access-control-expose-headers", "vary", "date", "server",
    ])
}

/// Which room a moderation route names, read from its path (or its JSON body for `/meeting/api/control/*`), or
/// the room a creation names in its JSON body.
enum ModerationTarget: Equatable {
    case path(RoomID?)
    case bodyRoomID
    /// `POST /meeting/api/rooms`: the body's `room_id` is claimed for this node (or sent to its live owner).
    case creation

    init?(method: HTTPRequest.Method, path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        func room(_ raw: String) -> RoomID? { raw.removingPercentEncoding.flatMap(RoomID.init) }
        switch (method, segments.count) {
        case (.delete, 4) where segments[0...2] == ["api", "v1", "meeting"]:
            self = .path(room(segments[3]))
        case (.get, 4) where segments[0...1] == ["meeting", "api"] && ["rooms", "room"].contains(segments[2]),
            (.delete, 4) where segments[0...2] == ["meeting", "api", "rooms"]:
            self = .path(room(segments[3]))
        case (.get, 5) where segments[0...2] == ["meeting", "api", "rooms"] && segments[4] == "users",
            (.post, 5)
        where segments[0...2] == ["meeting", "api", "rooms"] && ["lock", "unlock"].contains(segments[4]):
            self = .path(room(segments[3]))
        case (.post, 3) where segments == ["meeting", "api", "rooms"]:
            self = .creation
        case (.post, 4)
        where segments[0...2] == ["meeting", "api", "control"] && ["mute", "unmute", "kick"].contains(segments[3]):
            self = .bodyRoomID
        default:
            return nil
        }
    }
}
