extension CapturedTCPSegment {
    /// This segment as a bare IP packet for a `.raw` capture (see ``CapturedUDPDatagram/rawIPPacket()``): a 20-byte
    /// TCP header without options (RFC 9293 §3.1), checksum over the pseudo-header. Nil when the address families
    /// differ or the payload does not fit one packet.
    public func rawIPPacket() -> [UInt8]? {
        guard payload.count <= 65_535 - 60 else { return nil }
        let tcp =
            CapturedIPPacket.bigEndian(sourcePort) + CapturedIPPacket.bigEndian(destinationPort)
            + CapturedIPPacket.bigEndian(sequenceNumber) + CapturedIPPacket.bigEndian(acknowledgmentNumber)
            + [5 << 4, flags.rawValue] + CapturedIPPacket.bigEndian(window) + [0, 0, 0, 0] + payload
        return CapturedIPPacket.encode(
            source: sourceAddress, destination: destinationAddress, transportProtocol: Self.protocolTCP,
            transport: tcp, checksumOffset: 16, zeroChecksumAsOnes: false)
    }
}
