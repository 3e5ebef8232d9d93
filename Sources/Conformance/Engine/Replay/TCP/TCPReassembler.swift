import ParleyWire

/// Splits the TCP segments of a capture into connections and reassembles both directions of each.
/// Feed segments in capture order with ``add(_:microseconds:)``, then call ``finish()``.
public struct TCPReassembler: Sendable {
    private struct FlowKey: Hashable {
        var low: TCPEndpoint
        var high: TCPEndpoint
        init(_ a: TCPEndpoint, _ b: TCPEndpoint) {
            let aFirst =
                a.address.bytes.lexicographicallyPrecedes(b.address.bytes)
                || (a.address.bytes == b.address.bytes && a.port <= b.port)
            low = aFirst ? a : b
            high = aFirst ? b : a
        }
    }

    public let limits: TCPStreamLimits
    private var open: [FlowKey: Int] = [:]
    private var connections: [TCPConnection] = []
    /// Segments of connections beyond ``TCPStreamLimits/maxConnections``.
    public private(set) var droppedSegments = 0

    public init(limits: TCPStreamLimits = TCPStreamLimits()) { self.limits = limits }

    public mutating func add(_ segment: CapturedTCPSegment, microseconds: Int64) {
        let source = TCPEndpoint(address: segment.sourceAddress, port: segment.sourcePort)
        let destination = TCPEndpoint(address: segment.destinationAddress, port: segment.destinationPort)
        let key = FlowKey(source, destination)
        let opening = segment.flags.contains(.syn) && !segment.flags.contains(.ack)
        var index = open[key]
        if let existing = index, opening, connections[existing].isClosed || connections[existing].client != source {
            index = nil // port reuse: a new handshake after the old connection ended
        }
        if index == nil {
            guard connections.count < limits.maxConnections else {
                droppedSegments += 1
                return
            }
            let sourceIsClient: Bool
            if segment.flags.contains(.syn) {
                sourceIsClient = !segment.flags.contains(.ack) // a SYN+ACK comes from the server
            } else {
                sourceIsClient = source.port > destination.port // midstream: ephemeral ports are the high ones
            }
            connections.append(
                TCPConnection(
                    client: sourceIsClient ? source : destination, server: sourceIsClient ? destination : source,
                    firstSeen: microseconds, clientToServer: TCPDirectionStream(limits: limits),
                    serverToClient: TCPDirectionStream(limits: limits),
                    rolesFromHandshake: segment.flags.contains(.syn)))
            index = connections.count - 1
            open[key] = index
        }
        guard let index else { return }
        if connections[index].client == source {
            connections[index].clientToServer.add(segment, microseconds: microseconds)
        } else {
            connections[index].serverToClient.add(segment, microseconds: microseconds)
        }
    }

    /// Closes every stream (unfilled holes become gaps) and returns the connections in order of first segment.
    public mutating func finish() -> [TCPConnection] {
        for index in connections.indices {
            connections[index].clientToServer.finish()
            connections[index].serverToClient.finish()
        }
        return connections
    }

    /// Reassembles every TCP segment of a capture's records.
    public static func connections(in records: [PcapRecord], limits: TCPStreamLimits = TCPStreamLimits())
        -> [TCPConnection]
    {
        var reassembler = TCPReassembler(limits: limits)
        for record in records {
            if let segment = record.tcpSegment {
                reassembler.add(segment, microseconds: record.timestamp.totalMicroseconds)
            }
        }
        return reassembler.finish()
    }
}
