import ParleyWire

/// Wraps a bare IP packet in the link-layer header of a capture's link type (https://www.tcpdump.org/linktypes.html).
public enum CaptureLinkFraming {
    public static let supported: [PcapLinkType] = [.raw, .ethernet, .linuxCooked, .linuxCookedV2, .null]

    public static func frame(_ ipPacket: [UInt8], linkType: PcapLinkType) -> [UInt8] {
        let isIPv6 = (ipPacket.first ?? 0) >> 4 == 6
        let etherType: [UInt8] = isIPv6 ? [0x86, 0xdd] : [0x08, 0x00]
        switch linkType {
        case .ethernet:
            return [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1] + etherType + ipPacket
        case .linuxCooked:
            // packet type 0 (to us), ARPHRD_LOOPBACK 772, address length 6, 8 address bytes, protocol.
            return [0, 0, 3, 4, 0, 6] + [UInt8](repeating: 0, count: 8) + etherType + ipPacket
        case .linuxCookedV2:
            // protocol, reserved, interface index 1, ARPHRD_LOOPBACK, packet type, address length, address.
            return etherType + [0, 0, 0, 0, 0, 1, 3, 4, 0, 6] + [UInt8](repeating: 0, count: 8) + ipPacket
        case .null:
            // Host byte order family: AF_INET 2, AF_INET6 30 (macOS), little-endian as on the hosts that write it.
            return [isIPv6 ? 30 : 2, 0, 0, 0] + ipPacket
        default:
            return ipPacket
        }
    }
}
