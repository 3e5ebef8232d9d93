/// Big-endian byte builder for the wire encoders.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Low 24 bits, big-endian.
    public mutating func writeUInt24(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func write(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    public mutating func write<C: Collection<UInt8>>(bytes other: C) { bytes.append(contentsOf: other) }

    public mutating func writeZeros(_ count: Int) {
        if count > 0 { bytes.append(contentsOf: repeatElement(0, count: count)) }
    }

    /// Zero-fills up to the next multiple of `alignment` (STUN attributes and RTP extensions pad to 4).
    public mutating func pad(toMultipleOf alignment: Int) {
        let rest = bytes.count % alignment
        if rest != 0 { writeZeros(alignment - rest) }
    }

    /// Overwrites a big-endian UInt16 at `index` (length fields known only after the body is written).
    public mutating func set(_ value: UInt16, at index: Int) {
        guard index >= 0, index + 2 <= bytes.count else { return }
        bytes[index] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[index + 1] = UInt8(truncatingIfNeeded: value)
    }

    public mutating func set(_ value: UInt8, at index: Int) {
        guard index >= 0, index < bytes.count else { return }
        bytes[index] = value
    }
}

extension Array where Element == UInt8 {
    /// Big-endian UInt16 at `index`, or nil when out of range.
    func bigEndianUInt16(at index: Int) -> UInt16? {
        guard index >= 0, index + 2 <= count else { return nil }
        return UInt16(self[index]) << 8 | UInt16(self[index + 1])
    }

    func bigEndianUInt32(at index: Int) -> UInt32? {
        guard index >= 0, index + 4 <= count else { return nil }
        return UInt32(self[index]) << 24 | UInt32(self[index + 1]) << 16 | UInt32(self[index + 2]) << 8
            | UInt32(self[index + 3])
    }

    mutating func setBigEndianUInt16(_ value: UInt16, at index: Int) {
        guard index >= 0, index + 2 <= count else { return }
        self[index] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 1] = UInt8(truncatingIfNeeded: value)
    }

    mutating func setBigEndianUInt32(_ value: UInt32, at index: Int) {
        guard index >= 0, index + 4 <= count else { return }
        self[index] = UInt8(truncatingIfNeeded: value >> 24)
        self[index + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[index + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 3] = UInt8(truncatingIfNeeded: value)
    }
}
