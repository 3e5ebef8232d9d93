/// RFC 3550 §6.1 compound packets: a sequence of RTCP packets, each with the common header
/// V=2 | P | count/FMT (5) | PT (8) | length in 32-bit words minus one (16).
public enum RTCPCompound {
    /// Parses every packet in the datagram. Reduced-size RTCP (RFC 5506) is accepted: no SR/RR-first rule.
    /// Transport-wide feedback run-length chunks expand 2 bytes into up to 8191 statuses, so the statuses of one
    /// compound are capped at what one such packet can hold (65535): the result stays linear in the input.
    public static func parse(_ bytes: [UInt8]) throws(RTCPParseError) -> [RTCPPacket] {
        var reader = ByteReader(bytes)
        var packets = [RTCPPacket]()
        var statusBudget = RTCPTransportWideFeedback.maxStatuses
        guard !bytes.isEmpty else { throw .truncated }
        while !reader.isAtEnd {
            guard let first = reader.readUInt8(), let packetType = reader.readUInt8(), let words = reader.readUInt16()
            else { throw .truncated }
            guard first >> 6 == 2 else { throw .badVersion }
            guard var body = reader.readBytes(4 * Int(words)) else { throw .truncated }
            if first & 0x20 != 0 {
                // §6.4.1: the last octet counts the padding octets, itself included.
                guard let padding = body.last.map(Int.init), padding >= 1, padding <= body.count else {
                    throw .badPadding
                }
                body = body.dropLast(padding)
            }
            let packet = try RTCPPacket.decode(
                count: first & 0x1F, packetType: packetType, body: body,
                statusBudget: statusBudget)
            if case .transportWideFeedback(let feedback) = packet { statusBudget -= feedback.packets.count }
            packets.append(packet)
        }
        return packets
    }

    public static func serialize(_ packets: [RTCPPacket]) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        for packet in packets { write(packet, into: &writer) }
        return writer.bytes
    }

    /// One packet; bodies that are not a multiple of 4 bytes get RTCP padding with the P bit (§6.4.1).
    static func write(_ packet: RTCPPacket, into writer: inout ByteWriter) {
        let (count, packetType, body) = packet.encodeParts()
        let padding = (4 - body.count % 4) % 4
        writer.write(UInt8(2 << 6) | (padding > 0 ? 0x20 : 0) | (count & 0x1F))
        writer.write(packetType)
        writer.write(UInt16(clamping: (body.count + padding) / 4))
        writer.write(bytes: body)
        if padding > 0 {
            writer.writeZeros(padding - 1)
            writer.write(UInt8(padding))
        }
    }
}

extension RTCPPacket {
    /// This packet alone (non-compound, RFC 5506 reduced size).
    public func serialize() -> [UInt8] { RTCPCompound.serialize([self]) }
}
