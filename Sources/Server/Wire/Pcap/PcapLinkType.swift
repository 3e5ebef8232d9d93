import CPcap

/// A libpcap data link type (DLT_*, https://www.tcpdump.org/linktypes.html). The five Parley reads and writes
/// have names; captures with any other value still open and report it.
public struct PcapLinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Bare IPv4/IPv6 packets (what a userspace recorder of UDP payloads writes).
    public static let raw = PcapLinkType(rawValue: DLT_RAW)
    /// Ethernet II frames (tcpdump on a NIC).
    public static let ethernet = PcapLinkType(rawValue: DLT_EN10MB)
    /// Linux "cooked" SLL v1 (tcpdump -i any).
    public static let linuxCooked = PcapLinkType(rawValue: DLT_LINUX_SLL)
    /// Linux "cooked" SLL v2 (tcpdump/tshark -i any since libpcap 1.10): the interface index is added.
    public static let linuxCookedV2 = PcapLinkType(rawValue: DLT_LINUX_SLL2)
    /// BSD loopback: a 4-byte host-order address family, then IP (macOS lo0).
    public static let null = PcapLinkType(rawValue: DLT_NULL)

    public var description: String {
        switch self {
        case .raw: "RAW"
        case .ethernet: "EN10MB"
        case .linuxCooked: "LINUX_SLL"
        case .linuxCookedV2: "LINUX_SLL2"
        case .null: "NULL"
        default: "DLT(\(rawValue))"
        }
    }
}

/// A capture timestamp: seconds and microseconds since the Unix epoch (the classic pcap record header).
public struct PcapTimestamp: Hashable, Sendable, Comparable {
    public var seconds: Int64
    public var microseconds: Int32

    public init(seconds: Int64, microseconds: Int32) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// From a total in microseconds since the epoch.
    public init(totalMicroseconds: Int64) {
        seconds = totalMicroseconds / 1_000_000
        microseconds = Int32(totalMicroseconds % 1_000_000)
        if microseconds < 0 {
            seconds -= 1
            microseconds += 1_000_000
        }
    }

    public var totalMicroseconds: Int64 { seconds &* 1_000_000 &+ Int64(microseconds) }

    public static func < (lhs: PcapTimestamp, rhs: PcapTimestamp) -> Bool {
        lhs.totalMicroseconds < rhs.totalMicroseconds
    }
}

/// One captured packet.
public struct PcapRecord: Hashable, Sendable {
    public var timestamp: PcapTimestamp
    /// The captured bytes (possibly fewer than `originalLength` when the snap length cut them).
    public var bytes: [UInt8]
    public var originalLength: Int
    public var linkType: PcapLinkType

    public init(timestamp: PcapTimestamp, bytes: [UInt8], originalLength: Int? = nil, linkType: PcapLinkType) {
        self.timestamp = timestamp
        self.bytes = bytes
        self.originalLength = originalLength ?? bytes.count
        self.linkType = linkType
    }

    /// The UDP datagram inside, if this record holds a complete one.
    public var udpDatagram: CapturedUDPDatagram? { CapturedUDPDatagram(frame: bytes, linkType: linkType) }

    /// The TCP segment inside, if this record holds a complete one.
    public var tcpSegment: CapturedTCPSegment? { CapturedTCPSegment(frame: bytes, linkType: linkType) }
}

public struct PcapError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
