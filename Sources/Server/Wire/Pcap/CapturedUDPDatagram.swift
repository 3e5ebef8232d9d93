/// A UDP datagram found inside a captured frame: addresses, ports and payload.
/// Pure parsing of untrusted bytes: every read is bounds-checked and anything short, fragmented or not UDP
/// gives nil. Checksums are not verified (loopback captures carry offloaded, wrong ones).
public struct CapturedUDPDatagram: Hashable, Sendable {
    public var sourceAddress: IPAddress
    public var sourcePort: UInt16
    public var destinationAddress: IPAddress
    public var destinationPort: UInt16
    public var payload: [UInt8]

    public init(
        sourceAddress: IPAddress, sourcePort: UInt16, destinationAddress: IPAddress,
        destinationPort: UInt16, payload: [UInt8]
    ) {
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.destinationAddress = destinationAddress
        self.destinationPort = destinationPort
        self.payload = payload
    }

    /// Parses a frame of the given link type (RAW, EN10MB with up to two VLAN tags, LINUX_SLL, LINUX_SLL2, NULL).
    public init?(frame: [UInt8], linkType: PcapLinkType) {
        guard let packet = CapturedIPPacket(frame: frame, linkType: linkType),
            packet.transportProtocol == Self.protocolUDP,
            let datagram = Self.parseUDP(
                frame, at: packet.transportStart, end: packet.end, source: packet.source,
                destination: packet.destination)
        else { return nil }
        self = datagram
    }

    static let protocolUDP: UInt8 = 17

    /// RFC 768: the UDP length field bounds the payload and must fit inside the IP packet.
    static func parseUDP(
        _ frame: [UInt8], at start: Int, end: Int, source: IPAddress,
        destination: IPAddress
    ) -> CapturedUDPDatagram? {
        guard start + 8 <= end, end <= frame.count,
            let sourcePort = frame.pcapUInt16(at: start),
            let destinationPort = frame.pcapUInt16(at: start + 2),
            let length = frame.pcapUInt16(at: start + 4).map(Int.init),
            length >= 8, start + length <= end
        else { return nil }
        return CapturedUDPDatagram(
            sourceAddress: source, sourcePort: sourcePort, destinationAddress: destination,
            destinationPort: destinationPort, payload: Array(frame[start + 8..<start + length]))
    }
}
