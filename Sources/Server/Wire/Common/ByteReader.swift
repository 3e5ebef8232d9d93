/// Big-endian cursor over untrusted bytes. Every read returns nil when the input is too short, so parsers built on
/// it cannot trap; the cursor does not move on a failed read.
public struct ByteReader: Sendable {
    public let bytes: ArraySlice<UInt8>
    /// Absolute index into `bytes` (slice indices, not offsets from zero).
    public private(set) var position: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// Bytes consumed so far.
    public var offset: Int { position - bytes.startIndex }
    public var remaining: Int { bytes.endIndex - position }
    public var isAtEnd: Bool { position >= bytes.endIndex }

    public mutating func readUInt8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func readUInt16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    /// 24-bit big-endian unsigned value (RTCP cumulative loss, TWCC reference time).
    public mutating func readUInt24() -> UInt32? {
        guard remaining >= 3 else { return nil }
        defer { position += 3 }
        return UInt32(bytes[position]) << 16 | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2])
    }

    public mutating func readUInt32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { position += 4 }
        var value: UInt32 = 0
        for index in position..<position + 4 { value = value << 8 | UInt32(bytes[index]) }
        return value
    }

    public mutating func readUInt64() -> UInt64? {
        guard remaining >= 8 else { return nil }
        defer { position += 8 }
        var value: UInt64 = 0
        for index in position..<position + 8 { value = value << 8 | UInt64(bytes[index]) }
        return value
    }

    public mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return bytes[position..<position + count]
    }

    public mutating func readRest() -> ArraySlice<UInt8> {
        defer { position = bytes.endIndex }
        return bytes[position...]
    }

    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        position += count
        return true
    }

    public func peekUInt8() -> UInt8? {
        remaining >= 1 ? bytes[position] : nil
    }
}
