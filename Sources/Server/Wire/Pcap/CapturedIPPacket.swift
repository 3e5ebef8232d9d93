/// The IP layer of a captured frame: addresses, the transport protocol and where its bytes lie in the frame.
/// Shared by the UDP and TCP extractors so both read link and IP headers the same bounds-checked way.
struct CapturedIPPacket {
    var source: IPAddress
    var destination: IPAddress
    var transportProtocol: UInt8
    /// The transport header and payload: `frame[transportStart..<end]`.
    var transportStart: Int
    var end: Int

    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeIPv6: UInt16 = 0x86DD

    /// Parses the link header of `linkType`, then IPv4 or IPv6; nil for anything short, fragmented or not IP.
    init?(frame: [UInt8], linkType: PcapLinkType) {
        guard let ipStart = Self.networkLayerOffset(frame: frame, linkType: linkType) else { return nil }
        guard ipStart < frame.count else { return nil }
        switch frame[ipStart] >> 4 {
        case 4: self.init(ipv4: frame, at: ipStart)
        case 6: self.init(ipv6: frame, at: ipStart)
        default: return nil
        }
    }

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
        case .linuxCookedV2:
            // SLL v2 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html): 20 bytes, protocol first.
            guard frame.count > 20, let type = frame.pcapUInt16(at: 0),
                type == etherTypeIPv4 || type == etherTypeIPv6
            else { return nil }
            return 20
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

    /// RFC 791 §3.1. Fragments (MF set or a non-zero offset) hold no whole transport segment.
    private init?(ipv4 frame: [UInt8], at start: Int) {
        guard frame.count >= start + 20 else { return nil }
        let headerLength = Int(frame[start] & 0x0f) * 4
        guard headerLength >= 20,
            let totalLength = frame.pcapUInt16(at: start + 2).map(Int.init),
            totalLength >= headerLength, frame.count >= start + totalLength,
            let flagsAndOffset = frame.pcapUInt16(at: start + 6), flagsAndOffset & 0x3fff == 0,
            let source = IPAddress(bytes: Array(frame[start + 12..<start + 16])),
            let destination = IPAddress(bytes: Array(frame[start + 16..<start + 20]))
        else { return nil }
        self.source = source
        self.destination = destination
        transportProtocol = frame[start + 9]
        transportStart = start + headerLength
        end = start + totalLength
    }

    /// RFC 8200 §3-§4: skips hop-by-hop, routing and destination options headers; a fragment header gives nil.
    private init?(ipv6 frame: [UInt8], at start: Int) {
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
            case 0, 43, 60:
                guard offset + 2 <= end else { return nil }
                nextHeader = frame[offset]
                offset += (Int(frame[offset + 1]) + 1) * 8
            case 44:
                return nil
            default:
                guard offset <= end else { return nil }
                self.source = source
                self.destination = destination
                transportProtocol = nextHeader
                transportStart = offset
                self.end = end
                return
            }
        }
        return nil
    }
}

extension Array<UInt8> {
    /// Big-endian UInt16 at `offset`, nil when out of range.
    func pcapUInt16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= count else { return nil }
        return UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    /// Big-endian UInt32 at `offset`, nil when out of range.
    func pcapUInt32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= count else { return nil }
        return UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8
            | UInt32(self[offset + 3])
    }
}
