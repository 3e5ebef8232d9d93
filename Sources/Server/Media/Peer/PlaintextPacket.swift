import ParleyWire

/// An RTP or RTCP packet in the clear as a ``PeerConnection`` saw it: after SRTP unprotect (received) or before
/// protect (sent). What the debug capture records (docs/capture-format.md); never carries keys.
public struct PlaintextPacket: Sendable {
    public enum Direction: String, Sendable {
        /// Peer → server.
        case received
        /// Server → peer.
        case sent
    }

    public var direction: Direction
    public var isRTCP: Bool
    public var bytes: [UInt8]
    /// The peer's end of the 5-tuple: the source of a received packet, the destination of a sent one.
    public var remote: STUNAddress

    public init(direction: Direction, isRTCP: Bool, bytes: [UInt8], remote: STUNAddress) {
        self.direction = direction
        self.isRTCP = isRTCP
        self.bytes = bytes
        self.remote = remote
    }
}
