import Foundation

/// Limits of the room WebSocket. Defaults suit a public server; tests shorten the timeout.
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

    public init(idleTimeout: Duration = .seconds(60), maxMessageBytes: Int = 64 * 1024,
                outboundLimitBytes: Int = 4 << 20, chatBurst: Int = 20, chatPerSecond: Double = 5) {
        self.idleTimeout = idleTimeout
        self.maxMessageBytes = maxMessageBytes
        self.outboundLimitBytes = outboundLimitBytes
        self.chatBurst = chatBurst
        self.chatPerSecond = chatPerSecond
    }

    /// Defaults, with overrides from the environment until these become configuration keys:
    /// `PARLEY_ROOM_WS_IDLE_TIMEOUT` (seconds, may be fractional), `PARLEY_ROOM_WS_MAX_MESSAGE_BYTES`,
    /// `PARLEY_ROOM_WS_OUTBOUND_LIMIT_BYTES`, `PARLEY_ROOM_WS_CHAT_BURST`, `PARLEY_ROOM_WS_CHAT_PER_SECOND`.
    /// Unparsable or out-of-range values are ignored.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> RoomSocketOptions {
        var options = RoomSocketOptions()
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
