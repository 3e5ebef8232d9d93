/// Ogg pages (RFC 3533 §6): a 27-byte header, a lacing table of segment sizes, then the packet data.
enum OggPage {
    static let continued: UInt8 = 0x01
    static let beginningOfStream: UInt8 = 0x02
    static let endOfStream: UInt8 = 0x04

    /// One page holding whole `packets` (each fits: at most 255 segments in all, which the caller ensures).
    static func encode(
        packets: [[UInt8]], headerType: UInt8, granulePosition: Int64, serialNumber: UInt32, sequenceNumber: UInt32
    ) -> [UInt8] {
        var lacing: [UInt8] = []
        for packet in packets { lacing += lacingValues(packet.count) }
        var page: [UInt8] = Array("OggS".utf8)
        page.append(0) // stream structure version
        page.append(headerType)
        page += littleEndian(UInt64(bitPattern: granulePosition))
        page += littleEndian(serialNumber)
        page += littleEndian(sequenceNumber)
        page += [0, 0, 0, 0] // CRC, computed over the page with this field zero
        page.append(UInt8(lacing.count))
        page += lacing
        for packet in packets { page += packet }
        let crc = OggCRC.checksum(page)
        page.replaceSubrange(22..<26, with: littleEndian(crc))
        return page
    }

    /// RFC 3533 §5: a packet is 255-byte segments then one shorter (possibly empty) segment that ends it.
    static func lacingValues(_ length: Int) -> [UInt8] {
        Array(repeating: 255, count: length / 255) + [UInt8(length % 255)]
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
    static func littleEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
    static func littleEndian(_ value: UInt16) -> [UInt8] { [UInt8(truncatingIfNeeded: value), UInt8(value >> 8)] }
}

/// The Ogg page checksum (RFC 3533 §6, "CRC checksum"): polynomial 0x04C11DB7, not reflected, initial value 0,
/// no final XOR — unlike the reflected CRC-32 of ParleyWire's `CRC32`.
enum OggCRC {
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var value = UInt32(index) << 24
        for _ in 0..<8 { value = value & 0x8000_0000 != 0 ? (value << 1) ^ 0x04C1_1DB7 : value << 1 }
        return value
    }

    static func checksum<C: Collection<UInt8>>(_ bytes: C) -> UInt32 {
        var crc: UInt32 = 0
        for byte in bytes { crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(byte))] }
        return crc
    }
}
