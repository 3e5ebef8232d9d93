extension CapturedIPPacket {
    /// A bare IP packet around `transport` (a UDP or TCP header plus payload whose checksum is still zero at
    /// `checksumOffset`): IPv4 (RFC 791, header checksum set, TTL 64) or IPv6 (RFC 8200, hop limit 64). The
    /// transport checksum is computed over the pseudo-header (RFC 768; RFC 9293 §3.1; RFC 8200 §8.1).
    /// Nil when the addresses are of different families or the packet would not fit the 16-bit length fields.
    static func encode(
        source: IPAddress, destination: IPAddress, transportProtocol: UInt8, transport: [UInt8],
        checksumOffset: Int, zeroChecksumAsOnes: Bool
    ) -> [UInt8]? {
        guard source.isIPv4 == destination.isIPv4, transport.count <= 65_535 - 40,
            checksumOffset + 2 <= transport.count
        else { return nil }
        let length = UInt16(transport.count)
        let pseudoHeader =
            source.bytes + destination.bytes
            + (source.isIPv4
                ? [0, transportProtocol] + bigEndian(length)
                : [0, 0] + bigEndian(length) + [0, 0, 0, transportProtocol])
        var transport = transport
        var checksum = CapturedUDPDatagram.internetChecksum(pseudoHeader + transport)
        if checksum == 0 && zeroChecksumAsOnes { checksum = 0xffff } // RFC 768: zero means "no checksum"
        transport[checksumOffset] = UInt8(checksum >> 8)
        transport[checksumOffset + 1] = UInt8(checksum & 0xff)

        if source.isIPv4 {
            var header: [UInt8] =
                [0x45, 0] + bigEndian(UInt16(20 + transport.count)) + [0, 0, 0x40, 0, 64, transportProtocol, 0, 0]
                + source.bytes + destination.bytes
            let headerChecksum = CapturedUDPDatagram.internetChecksum(header)
            header[10] = UInt8(headerChecksum >> 8)
            header[11] = UInt8(headerChecksum & 0xff)
            return header + transport
        }
        return [0x60, 0, 0, 0] + bigEndian(length) + [transportProtocol, 64] + source.bytes + destination.bytes
            + transport
    }

    static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }
}
