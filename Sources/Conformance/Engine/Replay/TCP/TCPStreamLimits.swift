/// Bounds that keep reassembly of an untrusted capture in bounded memory: a capture that announces a huge gap
/// (sequence numbers far ahead) or floods out-of-order data is cut, and the cut is reported, never buffered.
public struct TCPStreamLimits: Sendable, Equatable {
    /// Bytes one direction may hold in order (the reassembled stream); more is dropped and the stream marked cut.
    public var maxStreamBytes: Int
    /// Bytes one direction may hold waiting for a hole to fill.
    public var maxPendingBytes: Int
    /// How far ahead of the next expected byte a segment may start; farther ones are dropped as out of window.
    public var maxWindow: Int
    /// Connections tracked at once; segments of further connections are counted and dropped.
    public var maxConnections: Int

    public init(
        maxStreamBytes: Int = 32 << 20, maxPendingBytes: Int = 4 << 20, maxWindow: Int = 16 << 20,
        maxConnections: Int = 4096
    ) {
        self.maxStreamBytes = maxStreamBytes
        self.maxPendingBytes = maxPendingBytes
        self.maxWindow = maxWindow
        self.maxConnections = maxConnections
    }
}
