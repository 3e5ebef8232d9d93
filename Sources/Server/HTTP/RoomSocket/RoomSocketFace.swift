import Foundation
import Hummingbird
import HummingbirdWebSocket
import ParleyRooms

/// The room WebSocket (docs/contracts.md §Room WebSocket; every message in `spec/room-ws.asyncapi.yaml`):
/// `/room/{room_id}?type=meeting&user_id=U&name=N[&password=P][&token=T]` and the Monibuca v5 alias
/// `/room/{room_id}/{user_id}`. Presence, chat, hands, agenda, transcript and moderation; `publish`/`unpublish`
/// follow the registry's streams.
///
/// Joins are judged after the upgrade, so a refused client learns why (`error` event, then a 4xxx close) instead of
/// a bare HTTP status its WebSocket API cannot read.
public struct RoomSocketFace: APIFace {
    public let options: RoomSocketOptions

    /// Defaults, with the `PARLEY_ROOM_WS_*` environment overrides (``RoomSocketOptions/fromEnvironment(_:)``).
    public init() {
        self.init(options: .fromEnvironment())
    }

    public init(options: RoomSocketOptions) {
        self.options = options
    }

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        let endpoint = RoomSocketEndpoint(services: services, options: options)
        for path in ["/room/{room_id}", "/room/{room_id}/{user_id}"] {
            router.ws(RouterPath(path), shouldUpgrade: { request, _ in
                // A plain GET is not a WebSocket handshake (RFC 6455 §4.2.1); say so instead of a blank 200.
                guard request.headers[.upgrade]?.lowercased().contains("websocket") == true else {
                    throw HTTPError(.upgradeRequired, headers: [.upgrade: "websocket"],
                                    message: "This is the room WebSocket; connect with a WebSocket client.")
                }
                return .upgrade([:])
            }, onUpgrade: { inbound, outbound, context in
                let request = context.request
                let query = request.uri.queryParameters
                let parameters = context.requestContext.parameters
                let join = RoomSocketJoinQuery(
                    roomID: parameters.get("room_id"),
                    userID: parameters.get("user_id") ?? query.get("user_id"),
                    name: query.get("name"), password: query.get("password"), token: query.get("token"),
                    type: query.get("type"), userAgent: request.headers[.userAgent])
                await endpoint.serve(join, inbound: inbound, outbound: outbound)
            })
        }
    }
}

/// What every connection of one server shares: the registry, credentials, this node's room channels.
struct RoomSocketEndpoint: Sendable {
    let rooms: any RoomDirectory
    let authenticator: RoomSocketAuthenticator
    let tokens: RoomSessionTokens
    let channels: RoomChannels
    let options: RoomSocketOptions

    init(services: ParleyServices, options: RoomSocketOptions) {
        let tokens = RoomSessionTokens(secret: services.secrets.authSecret)
        self.rooms = services.rooms
        self.tokens = tokens
        self.authenticator = RoomSocketAuthenticator(
            requireToken: services.config.rooms.requireToken,
            monibuca: MonibucaJWT(secret: services.secrets.authSecret,
                                  lifetime: TimeInterval(services.config.auth.expire)),
            miroTalk: MiroTalkTokenVerifier(secret: services.secrets.jwtSecret, clock: services.clock),
            sessions: tokens)
        self.channels = RoomChannels(clock: services.clock)
        self.options = options
    }

    /// Authenticates, joins, and runs the session until either side ends it. Returns with the participant out of
    /// the registry and the close frame written (or the connection gone).
    func serve(_ query: RoomSocketJoinQuery, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let roomID: RoomID
        let request: JoinRequest
        switch await authenticator.joinRequest(query) {
        case .failure(let refusal):
            return await Self.refuse(refusal, outbound: outbound)
        case .success(let accepted):
            (roomID, request) = accepted
        }
        // Subscribe before joining, so no event after the join's snapshot can be missed.
        let events = await rooms.events()
        let join: JoinResult
        do {
            join = try await rooms.joinRoom(roomID, request, createIfMissing: true)
        } catch let error as RoomError {
            return await Self.refuse(JoinRefusal(error), outbound: outbound)
        } catch {
            return await Self.refuse(JoinRefusal(.notPermitted), outbound: outbound)
        }
        let channel = channels.acquire(roomID)
        defer { channels.release(roomID) }
        let queue = OutboundQueue(limitBytes: options.outboundLimitBytes)
        let session = RoomSocketSession(join: join, rooms: rooms, channel: channel, queue: queue, options: options)
        await session.start(join: join, sessionToken: tokens.issue(for: join.participant, in: roomID))
        await RoomSocketConnection(session: session, queue: queue, options: options)
            .run(events: events, inbound: inbound, outbound: outbound)
    }

    static func refuse(_ refusal: JoinRefusal, outbound: WebSocketOutboundWriter) async {
        try? await outbound.write(.text(RoomSocketEnvelope.error(refusal.code, refusal.reason)))
        try? await outbound.close(.init(codeNumber: Int(refusal.close.rawValue)), reason: refusal.code)
    }
}
