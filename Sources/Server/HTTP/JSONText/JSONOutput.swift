/// JSON text (RFC 8259) written into memory reserved beforehand, one byte store per byte: no capacity check,
/// uniqueness check or exclusivity check per value (what `ByteBuffer`'s own writers pay on every call).
///
/// Used only inside ``JSONBufferWriter/write(atMost:_:)``, which reserves the bound its caller computed with the
/// `bound` functions below. Every store is checked against the reservation, so a wrong bound traps instead of
/// writing past it.
struct JSONOutput {
    private let base: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    private(set) var count = 0

    init(_ base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    // MARK: bounds (the most bytes each value can take)

    /// A string: its quotes, and each UTF-8 byte at most six bytes (`\u00xx`).
    static func bound(_ text: String) -> Int { 2 + 6 * text.utf8.count }
    static func bound(_ text: String?) -> Int { text.map(bound) ?? 4 }
    static func bound(_ text: StaticString) -> Int { text.utf8CodeUnitCount }
    /// Any integer up to 64 bits: `-9223372036854775808` and `18446744073709551615` are 20 characters.
    static let integerBound = 20
    /// `true`, `false`, `null`.
    static let literalBound = 5

    // MARK: values

    /// Literal JSON text (punctuation and known member names).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { copy(UnsafeRawBufferPointer($0)) }
    }

    mutating func byte(_ value: UInt8) {
        precondition(count < base.count, "JSONOutput: bound exceeded")
        base[count] = value
        count += 1
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    mutating func null() {
        raw("null")
    }

    /// Decimal digits, `-` first when negative (what `JSONEncoder` and `String(value)` write for an integer).
    mutating func integer(_ value: some FixedWidthInteger) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            // The magnitude of the most negative value fits the unsigned type.
            unsigned(UInt64(value.magnitude))
        } else {
            unsigned(UInt64(value))
        }
    }

    private mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        precondition(count + digits <= base.count, "JSONOutput: bound exceeded")
        rest = value
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            base[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        count += digits
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// A string (RFC 8259 §7): `"` and `\` escaped, the controls U+0000–U+001F as `\b \f \n \r \t` or `\u00xx`
    /// (lowercase hex); every other scalar, `/`, U+007F and U+2028/U+2029 included, verbatim as UTF-8. The same
    /// bytes `JSONEncoder` (`.withoutEscapingSlashes`) and JavaScript's `JSON.stringify` write.
    mutating func string(_ text: String) {
        byte(UInt8(ascii: "\""))
        if text.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
            var copy = text
            copy.withUTF8 { escaped($0) }
        }
        byte(UInt8(ascii: "\""))
    }

    /// Runs that need no escape are copied whole.
    private mutating func escaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            copy(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[runStart..<index])))
            escape(byte)
            runStart = index + 1
        }
        copy(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[runStart...])))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            raw("\\u00")
            let hex: StaticString = "0123456789abcdef"
            hex.withUTF8Buffer { digits in
                self.byte(digits[Int(byte >> 4)])
                self.byte(digits[Int(byte & 0xF)])
            }
        }
    }

    /// Lets `body` write up to `length` bytes in place (a fixed-width field such as a timestamp); it returns how
    /// many it wrote.
    mutating func inPlace(upTo length: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) {
        precondition(count + length <= base.count, "JSONOutput: bound exceeded")
        let written = body(UnsafeMutableRawBufferPointer(rebasing: base[count..<count + length]))
        precondition(written >= 0 && written <= length, "JSONOutput: wrote outside its field")
        count += written
    }

    /// Appends a copy of `count` bytes this output already wrote, starting at `offset`.
    mutating func repeatBytes(from offset: Int, count length: Int) {
        precondition(offset >= 0 && offset + length <= count, "JSONOutput: repeating bytes not written")
        copy(UnsafeRawBufferPointer(rebasing: base[offset..<offset + length]))
    }

    /// Bytes already valid as JSON text (a rendered number, a nested document).
    mutating func copy(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        precondition(count + bytes.count <= base.count, "JSONOutput: bound exceeded")
        base.baseAddress!.advanced(by: count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }
}
