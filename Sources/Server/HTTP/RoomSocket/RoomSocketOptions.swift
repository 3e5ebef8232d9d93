import Foundation
import ParleyConfig

/// Limits of the room WebSocket: `rooms.*` from the configuration; tests shorten the timeout.
public struct RoomSocketOptions: Sendable, Equatable {
    /// A connection that sends nothing (not even text `ping`) for this long is dropped (close 4102). Clients keep
    /// alive with text `ping` (v5); the WebSocket layer also pings every 30 s and drops peers that never pong.
    public var idleTimeout: Duration
    /// Largest text message accepted; a larger one gets `error` `message_too_large` and close 1009.
    public var maxMessageBytes: Int
    /// Bytes that may wait to be written to one client before it is dropped as a slow consumer (close 4103).
    public var outboundLimitBytes: Int
    /// Chat messages a connection may send at once, and how many per second refill that allowance.
    public var chatBurst: Int
    public var chatPerSecond: Double
    /// The same for `transcript` segments, and the largest segment text in UTF-8 bytes.
    public var transcriptBurst: Int
    public var transcriptPerSecond: Double
    public var transcriptMaxBytes: Int
    /// The same for every other action that reaches the room (`hand`, `media`, `agenda.*`, moderation).
    public var actionsBurst: Int
    public var actionsPerSecond: Double
    /// Open sockets per client address (`rooms.max_connections_per_address`).
    public var maxConnectionsPerAddress: Int
    /// Wrong-password joins per address and room within `passwordWindow` before further joins wait.
    public var passwordMaxFailures: Int
    public var passwordWindow: Duration
    /// Lifetime of the `session_token` handed out in `joined`.
    public var sessionTokenLifetime: Duration

    public init(
        idleTimeout: Duration = .seconds(60), maxMessageBytes: Int = 64 * 1024,
        outboundLimitBytes: Int = 4 << 20, chatBurst: Int = 20, chatPerSecond: Double = 5,
        transcriptBurst: Int = 40, transcriptPerSecond: Double = 10, transcriptMaxBytes: Int = 4096,
        actionsBurst: Int = 20, actionsPerSecond: Double = 5, maxConnectionsPerAddress: Int = 1000,
        passwordMaxFailures: Int = 5, passwordWindow: Duration = .seconds(60),
        sessionTokenLifetime: Duration = .seconds(43_200)
    ) {
        self.idleTimeout = idleTimeout
        self.maxMessageBytes = maxMessageBytes
        self.outboundLimitBytes = outboundLimitBytes
        self.chatBurst = chatBurst
        self.chatPerSecond = chatPerSecond
        self.transcriptBurst = transcriptBurst
        self.transcriptPerSecond = transcriptPerSecond
        self.transcriptMaxBytes = transcriptMaxBytes
        self.actionsBurst = actionsBurst
        self.actionsPerSecond = actionsPerSecond
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.passwordMaxFailures = passwordMaxFailures
        self.passwordWindow = passwordWindow
        self.sessionTokenLifetime = sessionTokenLifetime
    }

    /// The configured limits (`rooms.*`, docs/configuration.md).
    public init(rooms: ParleyConfig.Rooms) {
        self.init(
            chatBurst: rooms.chatBurst, chatPerSecond: Double(rooms.chatPerSecond),
            transcriptBurst: rooms.transcriptBurst, transcriptPerSecond: Double(rooms.transcriptPerSecond),
            transcriptMaxBytes: rooms.transcriptMaxBytes, actionsBurst: rooms.actionsBurst,
            actionsPerSecond: Double(rooms.actionsPerSecond),
            maxConnectionsPerAddress: rooms.maxConnectionsPerAddress,
            passwordMaxFailures: rooms.passwordMaxFailures, passwordWindow: .seconds(rooms.passwordWindow),
            sessionTokenLifetime: .seconds(rooms.sessionTokenExpire))
    }

    /// Test-only overrides from the environment, applied over the configuration: `PARLEY_ROOM_WS_IDLE_TIMEOUT`
    /// (seconds, may be fractional), `PARLEY_ROOM_WS_MAX_MESSAGE_BYTES`, `PARLEY_ROOM_WS_OUTBOUND_LIMIT_BYTES`,
    /// `PARLEY_ROOM_WS_CHAT_BURST`, `PARLEY_ROOM_WS_CHAT_PER_SECOND` (the interop tests drive timeouts and floods with
    /// them). Unparsable or out-of-range values are ignored.
    public func applyingEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> RoomSocketOptions
    {
        var options = self
        func number(_ key: String) -> Double? {
            guard let raw = environment[key], let value = Double(raw), value.isFinite, value > 0, value < 1e9 else {
                return nil
            }
            return value
        }
        if let seconds = number("PARLEY_ROOM_WS_IDLE_TIMEOUT") {
            options.idleTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let bytes = number("PARLEY_ROOM_WS_MAX_MESSAGE_BYTES") { options.maxMessageBytes = Int(bytes) }
        if let bytes = number("PARLEY_ROOM_WS_OUTBOUND_LIMIT_BYTES") { options.outboundLimitBytes = Int(bytes) }
        if let burst = number("PARLEY_ROOM_WS_CHAT_BURST") { options.chatBurst = Int(burst) }
        if let rate = number("PARLEY_ROOM_WS_CHAT_PER_SECOND") { options.chatPerSecond = rate }
        return options
    }
}
