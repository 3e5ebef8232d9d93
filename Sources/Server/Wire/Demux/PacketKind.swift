/// RFC 7983 §7: what a datagram on the shared ICE/DTLS/SRTP port carries, decided by its first byte.
public enum PacketKind: Sendable, Equatable {
    case stun
    case dtls
    case rtpOrRTCP
    case unknown

    /// RFC 7983 §7 ranges: 0–3 STUN, 20–63 DTLS, 128–191 RTP/RTCP. ZRTP (16–19) and TURN channels (64–79) are
    /// not used by an ICE-lite SFU and classify as unknown.
    public static func classify(firstByte: UInt8) -> PacketKind {
        switch firstByte {
        case 0...3: .stun
        case 20...63: .dtls
        case 128...191: .rtpOrRTCP
        default: .unknown
        }
    }

    public static func classify<C: Collection<UInt8>>(_ datagram: C) -> PacketKind {
        guard let first = datagram.first else { return .unknown }
        return classify(firstByte: first)
    }
}

/// RFC 5761 §4: with rtcp-mux, RTCP packet types 192–223 in the second byte set RTCP apart from RTP (whose
/// marker+payload type never lands there, because RTP payload types 64–95 are not used).
public enum RTPOrRTCP: Sendable, Equatable {
    case rtp
    case rtcp

    /// nil when the datagram is too short to carry a second byte or is not version 2 RTP/RTCP.
    public static func classify<C: Collection<UInt8>>(_ datagram: C) -> RTPOrRTCP? {
        var iterator = datagram.makeIterator()
        guard let first = iterator.next(), let second = iterator.next(), first >> 6 == 2 else { return nil }
        return (192...223).contains(second) ? .rtcp : .rtp
    }
}
