import ParleyWire

/// Capture files built byte by byte (little-endian, as most writers emit them), so tests can make both valid
/// files in formats libpcap's writer does not produce (pcapng, any link type) and precisely damaged ones.
public enum CaptureFileBytes {
    /// A classic pcap file (https://www.tcpdump.org/manpages/pcap-savefile.5.html): 24-byte header, then
    /// per record ts_sec, ts_usec, incl_len, orig_len and the bytes.
    public static func pcap(
        linkType: PcapLinkType, records: [(microseconds: Int64, frame: [UInt8])], snapLength: UInt32 = 262_144
    ) -> [UInt8] {
        var out =
            le32(0xa1b2_c3d4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(snapLength)
            + le32(UInt32(bitPattern: linkType.rawValue))
        for record in records {
            out += le32(UInt32(truncatingIfNeeded: record.microseconds / 1_000_000))
            out += le32(UInt32(truncatingIfNeeded: record.microseconds % 1_000_000))
            out += le32(UInt32(record.frame.count)) + le32(UInt32(record.frame.count)) + record.frame
        }
        return out
    }

    /// A pcapng file (RFC draft-ietf-opsawg-pcapng §4): Section Header Block, one Interface Description Block
    /// (microsecond timestamps by default), then one Enhanced Packet Block per record.
    public static func pcapng(linkType: PcapLinkType, records: [(microseconds: Int64, frame: [UInt8])]) -> [UInt8] {
        var out = block(type: 0x0A0D_0D0A, body: le32(0x1A2B_3C4D) + le16(1) + le16(0) + le64(UInt64.max))
        out += block(type: 1, body: le16(UInt16(truncatingIfNeeded: linkType.rawValue)) + le16(0) + le32(262_144))
        for record in records { out += enhancedPacket(microseconds: record.microseconds, frame: record.frame) }
        return out
    }

    public static func enhancedPacket(microseconds: Int64, frame: [UInt8]) -> [UInt8] {
        let stamp = UInt64(bitPattern: microseconds)
        var body = le32(0) + le32(UInt32(stamp >> 32)) + le32(UInt32(truncatingIfNeeded: stamp))
        body += le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
        return block(type: 6, body: body)
    }

    /// type, total length, body padded to 32 bits, total length again.
    public static func block(type: UInt32, body: [UInt8]) -> [UInt8] {
        let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
        let total = UInt32(12 + padded.count)
        return le32(type) + le32(total) + padded + le32(total)
    }

    public static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
    public static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    public static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
