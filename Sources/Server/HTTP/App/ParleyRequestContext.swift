import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The request context every Parley route sees: Hummingbird's core storage, the WebSocket upgrade handle,
/// a request id for logs and responses, the peer address (rate limits) and the body limit from `http.max_body_bytes`.
public struct ParleyRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<ParleyRequestContext>
    /// The connection, for its peer address: read only by the routes that need it (rate limits, login), because
    /// `Channel.remoteAddress` takes the channel's lock and copies the address on every call.
    private let channel: any Channel
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
    /// The connection itself: the room WebSocket adds a handler to its pipeline once upgraded.
    var connection: any Channel { channel }
    public var requestID: String = ""
    /// Set per request by ``RequestIdentityMiddleware`` from the configuration.
    public var maxUploadSize: Int = 1_048_576
    /// The Monibuca JWT subject once the auth middleware accepted a token.
    public var authenticatedUser: String?
    /// A room `session_token` the JWT middleware let through on a route that takes one (a presenter starting or
    /// stopping a recording); that route verifies it.
    public var roomSessionToken: String?
    /// A recording's `play_token` the JWT middleware let through on that recording's download (checked there).
    public var recordingPlayToken: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }

    /// The client's IP address as text ("127.0.0.1", "::1"), or "unknown".
    public var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
