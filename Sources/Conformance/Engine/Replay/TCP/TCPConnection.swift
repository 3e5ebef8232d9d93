import ParleyWire

/// An endpoint of a TCP connection.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }
    public var description: String { address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)" }
}

/// One reassembled TCP connection: who opened it (the SYN's sender, or a guess when the capture starts midway)
/// and both byte streams.
public struct TCPConnection: Sendable {
    public var client: TCPEndpoint
    public var server: TCPEndpoint
    /// Capture time (µs) of the connection's first segment.
    public var firstSeen: Int64
    public var clientToServer: TCPDirectionStream
    public var serverToClient: TCPDirectionStream
    /// True when the roles come from the SYN; false when guessed (lower port = server).
    public var rolesFromHandshake: Bool

    /// True once both sides closed or one reset: a later SYN on the same ports is a new connection.
    var isClosed: Bool {
        (clientToServer.sawFIN && serverToClient.sawFIN) || clientToServer.sawRST || serverToClient.sawRST
    }

    /// Swaps the roles (a reader found the guessed client answering like a server).
    public mutating func swapRoles() {
        swap(&client, &server)
        swap(&clientToServer, &serverToClient)
    }
}
