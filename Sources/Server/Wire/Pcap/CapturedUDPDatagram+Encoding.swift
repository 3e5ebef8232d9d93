extension CapturedUDPDatagram {
    /// This datagram as a bare IP packet for a `.raw` capture: IPv4 (RFC 791, header checksum set, TTL 64) or
    /// IPv6 (RFC 8200, hop limit 64), then UDP (RFC 768) with its checksum over the pseudo-header.
    /// Nil when the two addresses are of different families or the payload does not fit one packet.
    public func rawIPPacket() -> [UInt8]? {
        let udpLength = 8 + payload.count
        guard sourceAddress.isIPv4 == destinationAddress.isIPv4, udpLength <= 65_535 - 40 else { return nil }
        var udp =
            Self.bigEndian(sourcePort) + Self.bigEndian(destinationPort) + Self.bigEndian(UInt16(udpLength))
            + [0, 0] + payload
        let pseudoHeader =
            sourceAddress.bytes + destinationAddress.bytes
            + (sourceAddress.isIPv4
                ? [0, 17] + Self.bigEndian(UInt16(udpLength))
                : [0, 0] + Self.bigEndian(UInt16(udpLength)) + [0, 0, 0, 17])
        var checksum = Self.internetChecksum(pseudoHeader + udp)
        if checksum == 0 { checksum = 0xffff } // RFC 768: a computed zero is sent as all ones
        udp[6] = UInt8(checksum >> 8)
        udp[7] = UInt8(checksum & 0xff)

        if sourceAddress.isIPv4 {
            var header: [UInt8] =
                [0x45, 0] + Self.bigEndian(UInt16(20 + udpLength)) + [0, 0, 0x40, 0, 64, 17, 0, 0]
                + sourceAddress.bytes + destinationAddress.bytes
            let headerChecksum = Self.internetChecksum(header)
            header[10] = UInt8(headerChecksum >> 8)
            header[11] = UInt8(headerChecksum & 0xff)
            return header + udp
        }
        return [0x60, 0, 0, 0] + Self.bigEndian(UInt16(udpLength)) + [17, 64]
            + sourceAddress.bytes + destinationAddress.bytes + udp
    }

    /// RFC 1071 one's-complement sum of 16-bit words, complemented.
    public static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    private static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
}
