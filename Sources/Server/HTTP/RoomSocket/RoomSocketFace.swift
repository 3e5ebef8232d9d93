import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ParleyRooms
import ParleyTime

/// The room WebSocket (docs/contracts.md §Room WebSocket; every message in `spec/room-ws.asyncapi.yaml`):
/// `/room/{room_id}?type=meeting&user_id=U&name=N[&password=P][&token=T]` and the Monibuca v5 alias
/// `/room/{room_id}/{user_id}`. Presence, chat, hands, agenda, transcript and moderation; `publish`/`unpublish`
/// follow the registry's streams.
///
/// Joins are judged after the upgrade, so a refused client learns why (`error` event, then a 4xxx close) instead of
/// a bare HTTP status its WebSocket API cannot read.
public struct RoomSocketFace: APIFace {
    /// Nil: the configuration's `rooms.*` limits with the test-only `PARLEY_ROOM_WS_*` environment overrides
    /// (``RoomSocketOptions/applyingEnvironment(_:)``).
    public let options: RoomSocketOptions?

    public init() {
        self.options = nil
    }

    public init(options: RoomSocketOptions) {
        self.options = options
    }

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        let options = options ?? RoomSocketOptions(rooms: services.config.rooms).applyingEnvironment()
        let endpoint = RoomSocketEndpoint(services: services, options: options)
        for path in ["/room/{room_id}", "/room/{room_id}/{user_id}"] {
            router.ws(
                RouterPath(path),
                shouldUpgrade: { request, _ in
                    // A plain GET is not a WebSocket handshake (RFC 6455 §4.2.1); say so instead of a blank 200.
                    guard request.headers[.upgrade]?.lowercased().contains("websocket") == true else {
                        throw HTTPError(
                            .upgradeRequired, headers: [.upgrade: "websocket"],
                            message: "This is the room WebSocket; connect with a WebSocket client.")
                    }
                    return .upgrade([:])
                },
                onUpgrade: { inbound, outbound, context in
                    let join = Self.joinQuery(context.request, parameters: context.requestContext.parameters)
                    let address = context.requestContext.clientAddress
                    // Cluster mode only: a room another node owns is relayed there.
                    if let relay = endpoint.relay,
                        await endpoint.relayed(
                            join, request: context.request, address: address, relay: relay, inbound: inbound,
                            outbound: outbound)
                    {
                        return
                    }
                    await endpoint.serve(
                        join, address: address, inbound: inbound, outbound: outbound,
                        channel: context.requestContext.connection)
                })
        }
        if let relay = services.relay { registerRelayedSocket(on: router, endpoint: endpoint, relay: relay) }
    }

    static func joinQuery(_ request: Request, parameters: Parameters) -> RoomSocketJoinQuery {
        let query = request.uri.queryParameters
        return RoomSocketJoinQuery(
            roomID: parameters.get("room_id"),
            userID: parameters.get("user_id") ?? query.get("user_id"),
            name: query.get("name"), password: query.get("password"), token: query.get("token"),
            type: query.get("type"), userAgent: request.headers[.userAgent])
    }
}

/// What every connection of one server shares: the registry, credentials, this node's room channels, and the
/// per-address guards (open sockets, wrong-password joins).
struct RoomSocketEndpoint: Sendable {
    let rooms: any RoomDirectory
    let authenticator: RoomSocketAuthenticator
    let tokens: RoomSessionTokens
    let resumptions: RoomSessionResumptions
    let connections: ConnectionsPerAddress
    /// Wrong-password joins per "address room" key (counted failures only: peek before, hit on failure).
    let passwordFailures: RateLimiter
    let channels: RoomChannels
    let options: RoomSocketOptions
    let relay: ClusterRelay?
    let logger: Logger
    let recorder: Recorder

    init(services: ParleyServices, options: RoomSocketOptions) {
        let tokens = RoomSessionTokens(
            secret: services.secrets.authSecret,
            lifetime: options.sessionTokenLifetime.inSeconds, clock: services.clock)
        let resumptions = RoomSessionResumptions()
        self.rooms = services.rooms
        self.tokens = tokens
        self.resumptions = resumptions
        self.authenticator = RoomSocketAuthenticator(
            requireToken: services.config.rooms.requireToken,
            monibuca: MonibucaJWT(
                secret: services.secrets.authSecret,
                lifetime: TimeInterval(services.config.auth.expire)),
            miroTalk: MiroTalkTokenVerifier(secret: services.secrets.jwtSecret, clock: services.clock),
            sessions: tokens, resumptions: resumptions)
        self.connections = ConnectionsPerAddress(limit: options.maxConnectionsPerAddress)
        self.passwordFailures = RateLimiter(
            .fixedWindow(
                limit: options.passwordMaxFailures,
                window: options.passwordWindow), clock: services.clock)
        let channels = RoomChannels(clock: services.clock)
        self.channels = channels
        self.options = options
        self.relay = services.relay
        self.logger = services.logger
        self.recorder = services.recorder
        // Everyone in the room hears that they are (no longer) being recorded.
        services.recorder.onAnnouncement { announcement in
            guard let room = RoomID(announcement.roomID), let channel = channels.existing(room) else { return }
            let frame = RoomSocketEnvelope.encode(
                "record",
                RoomSocketWire.Record(
                    state: announcement.state, by: announcement.by, recording_id: announcement.recordingID))
            Task { await channel.broadcast(frame) }
        }
    }

    /// Authenticates, joins, and runs the session until either side ends it. Returns with the participant out of
    /// the registry and the close frame written (or the connection gone). Cheap refusals (sockets per address,
    /// throttled password guessing) come before the token checks and the registry.
    func serve(
        _ query: RoomSocketJoinQuery, address: String, inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter, channel: (any Channel)? = nil
    ) async {
        guard connections.acquire(address) else {
            return await Self.refuse(
                JoinRefusal(
                    code: RoomSocketErrorCode.tooManyConnections,
                    reason: "At most \(options.maxConnectionsPerAddress) room sockets per address.", close: .tooMany),
                outbound: outbound)
        }
        defer { connections.release(address) }
        switch await admit(query, address: address) {
        case .failure(let refusal):
            await Self.refuse(refusal, outbound: outbound)
        case .success(let (join, events)):
            await run(join, events: events, inbound: inbound, outbound: outbound, channel: channel)
        }
    }

    /// The join, judged: credentials, the password throttle (per address and room), then the registry.
    func admit(_ query: RoomSocketJoinQuery, address: String)
        async -> Result<(JoinResult, AsyncStream<RoomEvent>), JoinRefusal>
    {
        let accepted: AuthenticatedJoin
        switch await authenticator.joinRequest(query) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let join): accepted = join
        }
        let guessKey = "\(address) \(accepted.room.rawValue)"
        let allowance = passwordFailures.peek(guessKey)
        guard allowance.allowed else {
            return .failure(
                JoinRefusal(
                    code: RoomSocketErrorCode.rateLimited,
                    reason: "Too many wrong passwords for this room; try again in \(allowance.retryAfterSeconds) s.",
                    close: .tooMany))
        }
        // Subscribe before joining, so no event after the join's snapshot can be missed.
        let events = await rooms.events()
        do {
            let join = try await rooms.joinRoom(accepted.room, accepted.request, createIfMissing: true)
            if let resumed = accepted.resuming { resumptions.consume(resumed) }
            if accepted.request.password != nil { passwordFailures.reset(guessKey) }
            return .success((join, events))
        } catch let error as RoomError {
            if error == .wrongPassword { _ = passwordFailures.hit(guessKey) }
            return .failure(JoinRefusal(error))
        } catch {
            return .failure(JoinRefusal(.notPermitted))
        }
    }

    /// `connection`, when given, takes the session's text frames straight onto its pipeline (RoomSocketChannelWriter).
    func run(
        _ join: JoinResult, events: AsyncStream<RoomEvent>, inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter, channel connection: (any Channel)? = nil
    ) async {
        let roomID = join.room.id
        let channel = channels.acquire(roomID)
        defer { channels.release(roomID) }
        let queue = OutboundQueue(limitBytes: options.outboundLimitBytes, channel: connection)
        await queue.channelWriter?.install()
        let session = await startSession(join, channel: channel, queue: queue)
        await RoomSocketConnection(session: session, queue: queue, options: options)
            .run(events: events, inbound: inbound, outbound: outbound)
    }

    /// A started session (`joined` queued with a fresh session token) whose drop makes that token resumable.
    func startSession(_ join: JoinResult, channel: RoomChannel, queue: OutboundQueue) async -> RoomSocketSession {
        let roomID = join.room.id
        let token = tokens.issue(for: join.participant, in: roomID)
        let expiresAt = tokens.signedClaims(token)?.expiresAt ?? .distantPast
        let session = RoomSocketSession(
            join: join, rooms: rooms, channel: channel, queue: queue, options: options, recorder: recorder,
            onDropped: { [resumptions, tokens] participant in
                resumptions.recordDrop(of: participant, in: roomID, expiresAt: expiresAt, now: tokens.clock.now)
            })
        await session.start(join: join, sessionToken: token)
        return session
    }

    static func refuse(_ refusal: JoinRefusal, outbound: WebSocketOutboundWriter) async {
        try? await outbound.write(.text(RoomSocketEnvelope.error(refusal.code, refusal.reason)))
        try? await outbound.close(.init(codeNumber: Int(refusal.close.rawValue)), reason: refusal.code)
    }
}
