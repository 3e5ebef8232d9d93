/// Appends a response head's bytes into memory sized beforehand: one capacity check for the whole head instead of
/// one per piece (the per-write checks of `ByteBuffer` were most of the cost of writing a head piece by piece).
struct HTTP1HeadAppender {
    private let base: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ base: UnsafeMutableRawBufferPointer) { self.base = base }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        // The caller sized `base` from the same pieces: running out is a broken invariant, not bad input.
        precondition(bytes.count <= base.count - count, "HTTP/1 head larger than its computed bound")
        guard let source = bytes.baseAddress, let target = base.baseAddress else { return }
        (target + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// A non-negative decimal, as `String(value)` writes it.
    mutating func appendDecimal(_ value: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        )
        var rest = max(0, value)
        var used = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                used += 1
                buffer[buffer.count - used] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0 && used < buffer.count
            append(UnsafeRawBufferPointer(rebasing: buffer[(buffer.count - used)...]))
        }
    }

    /// Bytes `appendDecimal` writes at most for a value below 10^10 (statuses, lengths of bodies held in memory).
    static let decimalBound = 10
}
