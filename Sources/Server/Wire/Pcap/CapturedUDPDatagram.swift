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

    /// Parses a frame of the given link type (RAW, EN10MB with up to two VLAN tags, LINUX_SLL, NULL).
    public init?(frame: [UInt8], linkType: PcapLinkType) {
        guard let ipStart = Self.networkLayerOffset(frame: frame, linkType: linkType),
            let datagram = Self.parseIP(frame, at: ipStart)
        else { return nil }
        self = datagram
    }

    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeIPv6: UInt16 = 0x86DD
    static let protocolUDP: UInt8 = 17

    /// Offset of the IP header, or nil when the link header is short or carries something other than IP.
    static func networkLayerOffset(frame: [UInt8], linkType: PcapLinkType) -> Int? {
        switch linkType {
        case .raw:
            return 0
        case .null:
            // The family is in the capturing host's byte order; the IP version nibble decides instead.
            return frame.count > 4 ? 4 : nil
        case .linuxCooked:
            // SLL v1: 16 bytes, protocol (an EtherType) in the last two.
            guard let type = frame.pcapUInt16(at: 14), type == etherTypeIPv4 || type == etherTypeIPv6 else {
                return nil
            }
            return 16
        case .ethernet:
            var offset = 12
            // 802.1Q / 802.1ad tags add four bytes each.
            for _ in 0..<3 {
                guard let type = frame.pcapUInt16(at: offset) else { return nil }
                if type == 0x8100 || type == 0x88A8 {
                    offset += 4
                    continue
                }
                return type == etherTypeIPv4 || type == etherTypeIPv6 ? offset + 2 : nil
            }
            return nil
        default:
            return nil
        }
    }

    static func parseIP(_ frame: [UInt8], at start: Int) -> CapturedUDPDatagram? {
        guard start < frame.count else { return nil }
        switch frame[start] >> 4 {
        case 4: return parseIPv4(frame, at: start)
        case 6: return parseIPv6(frame, at: start)
        default: return nil
        }
    }

    /// RFC 791 §3.1. Fragments (MF set or a non-zero offset) hold no whole datagram.
    static func parseIPv4(_ frame: [UInt8], at start: Int) -> CapturedUDPDatagram? {
        guard frame.count >= start + 20 else { return nil }
        let headerLength = Int(frame[start] & 0x0f) * 4
        guard headerLength >= 20,
            let totalLength = frame.pcapUInt16(at: start + 2).map(Int.init),
            totalLength >= headerLength, frame.count >= start + totalLength,
            let flagsAndOffset = frame.pcapUInt16(at: start + 6), flagsAndOffset & 0x3fff == 0,
            frame[start + 9] == protocolUDP,
            let source = IPAddress(bytes: Array(frame[start + 12..<start + 16])),
            let destination = IPAddress(bytes: Array(frame[start + 16..<start + 20]))
        else { return nil }
        return parseUDP(
            frame, at: start + headerLength, end: start + totalLength,
            source: source, destination: destination)
    }

    /// RFC 8200 §3-§4: skips hop-by-hop, routing and destination options headers; a fragment header gives nil.
    static func parseIPv6(_ frame: [UInt8], at start: Int) -> CapturedUDPDatagram? {
        guard frame.count >= start + 40,
            let payloadLength = frame.pcapUInt16(at: start + 4).map(Int.init),
            frame.count >= start + 40 + payloadLength,
            let source = IPAddress(bytes: Array(frame[start + 8..<start + 24])),
            let destination = IPAddress(bytes: Array(frame[start + 24..<start + 40]))
        else { return nil }
        let end = start + 40 + payloadLength
        var nextHeader = frame[start + 6]
        var offset = start + 40
        for _ in 0..<8 {
            switch nextHeader {
            case protocolUDP:
                return parseUDP(frame, at: offset, end: end, source: source, destination: destination)
            case 0, 43, 60:
                guard offset + 2 <= end else { return nil }
                nextHeader = frame[offset]
                offset += (Int(frame[offset + 1]) + 1) * 8
            default:
                return nil
            }
        }
        return nil
    }

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

extension Array<UInt8> {
    /// Big-endian UInt16 at `offset`, nil when out of range.
    fileprivate func pcapUInt16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= count else { return nil }
        return UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }
}
