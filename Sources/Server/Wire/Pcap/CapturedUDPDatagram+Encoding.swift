extension CapturedUDPDatagram {
    /// This datagram as a bare IP packet for a `.raw` capture: IPv4 (RFC 791, header checksum set, TTL 64) or
    /// IPv6 (RFC 8200, hop limit 64), then UDP (RFC 768) with its checksum over the pseudo-header.
    /// Nil when the two addresses are of different families or the payload does not fit one packet.
    public func rawIPPacket() -> [UInt8]? {
        let udpLength = 8 + payload.count
        guard udpLength <= 65_535 - 40 else { return nil }
        let udp =
            CapturedIPPacket.bigEndian(sourcePort) + CapturedIPPacket.bigEndian(destinationPort)
            + CapturedIPPacket.bigEndian(UInt16(udpLength)) + [0, 0] + payload
        return CapturedIPPacket.encode(
            source: sourceAddress, destination: destinationAddress, transportProtocol: Self.protocolUDP,
            transport: udp, checksumOffset: 6, zeroChecksumAsOnes: true)
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
}
