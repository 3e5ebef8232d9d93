/// A TCP segment found inside a captured frame (RFC 9293 §3.1): ports, sequence and acknowledgment numbers,
/// flags and payload. Pure parsing of untrusted bytes: anything short, fragmented or not TCP gives nil.
/// Checksums are not verified (loopback captures carry offloaded, wrong ones).
public struct CapturedTCPSegment: Hashable, Sendable {
    /// The control bits of RFC 9293 §3.1 (byte 13 of the header).
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let fin = Flags(rawValue: 0x01)
        public static let syn = Flags(rawValue: 0x02)
        public static let rst = Flags(rawValue: 0x04)
        public static let psh = Flags(rawValue: 0x08)
        public static let ack = Flags(rawValue: 0x10)
        public static let urg = Flags(rawValue: 0x20)
    }

    public var sourceAddress: IPAddress
    public var sourcePort: UInt16
    public var destinationAddress: IPAddress
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var flags: Flags
    public var window: UInt16
    public var payload: [UInt8]

    public init(
        sourceAddress: IPAddress, sourcePort: UInt16, destinationAddress: IPAddress, destinationPort: UInt16,
        sequenceNumber: UInt32, acknowledgmentNumber: UInt32, flags: Flags, window: UInt16 = 65_535,
        payload: [UInt8]
    ) {
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.destinationAddress = destinationAddress
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.payload = payload
    }

    static let protocolTCP: UInt8 = 6

    /// Parses a frame of the given link type (the same ones ``CapturedUDPDatagram`` reads).
    public init?(frame: [UInt8], linkType: PcapLinkType) {
        guard let packet = CapturedIPPacket(frame: frame, linkType: linkType),
            packet.transportProtocol == Self.protocolTCP
        else { return nil }
        let start = packet.transportStart
        // The data offset counts 32-bit words and must cover the 20-byte fixed header (RFC 9293 §3.1).
        guard start + 20 <= packet.end, packet.end <= frame.count,
            let sourcePort = frame.pcapUInt16(at: start),
            let destinationPort = frame.pcapUInt16(at: start + 2),
            let sequence = frame.pcapUInt32(at: start + 4),
            let acknowledgment = frame.pcapUInt32(at: start + 8),
            let window = frame.pcapUInt16(at: start + 14)
        else { return nil }
        let headerLength = Int(frame[start + 12] >> 4) * 4
        guard headerLength >= 20, start + headerLength <= packet.end else { return nil }
        self.init(
            sourceAddress: packet.source, sourcePort: sourcePort, destinationAddress: packet.destination,
            destinationPort: destinationPort, sequenceNumber: sequence, acknowledgmentNumber: acknowledgment,
            flags: Flags(rawValue: frame[start + 13] & 0x3f), window: window,
            payload: Array(frame[(start + headerLength)..<packet.end]))
    }
}
