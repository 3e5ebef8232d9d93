import ParleyWire

/// Builds the segments of one TCP conversation (RFC 9293): the three-way handshake, data split into segments of
/// a chosen size for each side, and the FIN exchange, with timestamps 1 ms apart. Tests then reorder, repeat,
/// overlap or drop segments to make the reassembly corpora.
public struct TCPConversationBuilder {
    public struct Segment: Sendable {
        public var segment: CapturedTCPSegment
        public var microseconds: Int64
    }

    public let client: (address: IPAddress, port: UInt16)
    public let server: (address: IPAddress, port: UInt16)
    public private(set) var segments: [Segment] = []
    private var clientSequence: UInt32
    private var serverSequence: UInt32
    private var clock: Int64

    public init(
        client: (IPAddress, UInt16), server: (IPAddress, UInt16), clientISN: UInt32 = 1000,
        serverISN: UInt32 = 5000, startMicroseconds: Int64 = 1_700_000_000_000_000
    ) {
        self.client = client
        self.server = server
        clientSequence = clientISN
        serverSequence = serverISN
        clock = startMicroseconds
    }

    /// SYN, SYN+ACK, ACK.
    public mutating func handshake() {
        emit(fromClient: true, flags: .syn, payload: [])
        clientSequence &+= 1
        emit(fromClient: false, flags: [.syn, .ack], payload: [])
        serverSequence &+= 1
        emit(fromClient: true, flags: .ack, payload: [])
    }

    /// `bytes` from one side, in segments of at most `segmentSize`.
    public mutating func send(_ bytes: [UInt8], fromClient: Bool, segmentSize: Int = 1400) {
        var offset = 0
        while offset < bytes.count {
            let chunk = Array(bytes[offset..<min(bytes.count, offset + max(1, segmentSize))])
            emit(fromClient: fromClient, flags: [.ack, .psh], payload: chunk)
            if fromClient { clientSequence &+= UInt32(chunk.count) } else { serverSequence &+= UInt32(chunk.count) }
            offset += chunk.count
        }
    }

    /// FIN from each side (each consumes one sequence number).
    public mutating func close() {
        emit(fromClient: true, flags: [.fin, .ack], payload: [])
        clientSequence &+= 1
        emit(fromClient: false, flags: [.fin, .ack], payload: [])
        serverSequence &+= 1
    }

    private mutating func emit(fromClient: Bool, flags: CapturedTCPSegment.Flags, payload: [UInt8]) {
        let from = fromClient ? client : server
        let to = fromClient ? server : client
        segments.append(
            Segment(
                segment: CapturedTCPSegment(
                    sourceAddress: from.address, sourcePort: from.port, destinationAddress: to.address,
                    destinationPort: to.port, sequenceNumber: fromClient ? clientSequence : serverSequence,
                    acknowledgmentNumber: fromClient ? serverSequence : clientSequence, flags: flags, payload: payload),
                microseconds: clock))
        clock += 1000
    }

    /// The segments as capture records of `linkType`.
    public static func records(_ segments: [Segment], linkType: PcapLinkType) -> [(microseconds: Int64, frame: [UInt8])]
    {
        segments.compactMap { item in
            item.segment.rawIPPacket().map { (item.microseconds, CaptureLinkFraming.frame($0, linkType: linkType)) }
        }
    }
}
