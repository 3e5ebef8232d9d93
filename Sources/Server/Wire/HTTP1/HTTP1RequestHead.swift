/// One HTTP/1.1 request head as ``HTTP1RequestHead/parse(_:)`` found it at the start of its input: where it ends
/// and what decides the length of the message behind it (RFC 9112 §6.3). Offsets are from the start of the input,
/// which the caller keeps: the head itself stores no bytes.
public struct HTTP1RequestHead: Equatable, Sendable {
    /// Bytes from the request line's first byte through the empty line that ends the head.
    public var length: Int
    public var method: Range<Int>
    public var target: Range<Int>
    /// The `Content-Length` value; nil when there is none (RFC 9112 §6.3 rule 6: no body).
    public var contentLength: Int?
    public var fieldCount: Int
    /// Every field value is visible ASCII with single interior spaces and no surrounding whitespace, the target
    /// is an origin-form path and query of RFC 3986 characters, and there is exactly one `Host`: nothing a
    /// stricter or more lenient parser could read differently. Only such a head is answered outside the full
    /// HTTP stack.
    public var isPlain: Bool

    public static let maxBytes = 16 * 1024
    public static let maxFields = 100

    public enum Parsed: Equatable, Sendable {
        case complete(HTTP1RequestHead)
        /// Everything so far is a valid beginning of a head; its end is not in the input yet.
        case incomplete
        /// Not a head whose message length this parser can tell with certainty: bad syntax (which the server's
        /// own parser rejects anyway), a version other than HTTP/1.1, `Transfer-Encoding`, or a head that
        /// changes the protocol after it (`Upgrade`, `CONNECT`; RFC 9110 §7.8, §9.3.6), or one over the limits.
        case unframeable
    }

    /// Parses the head at the start of `bytes` in one pass (RFC 9112 §2.1, §3, §5): request-line CRLF, then
    /// field lines each CRLF, then CRLF. Strict: bare CR or LF, whitespace before a colon, obsolete line folding
    /// and control characters all make it unframeable.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        var scanner = HeadScanner(bytes)
        return scanner.parse()
    }

    /// Calls `body` with each field line's name and value (the value without the optional whitespace around it),
    /// in order. `bytes` must start with a head `parse` found complete.
    public static func forEachField(
        in bytes: UnsafeRawBufferPointer,
        _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void
    ) {
        var index = 0
        // Past the request line.
        while index + 1 < bytes.count, !(bytes[index] == .cr && bytes[index + 1] == .lf) { index += 1 }
        index += 2
        while index + 1 < bytes.count, bytes[index] != .cr {
            let nameStart = index
            while index < bytes.count, bytes[index] != .colon { index += 1 }
            let nameEnd = index
            index += 1
            while index < bytes.count, bytes[index] == .space || bytes[index] == .tab { index += 1 }
            let valueStart = index
            while index < bytes.count, bytes[index] != .cr { index += 1 }
            var valueEnd = index
            while valueEnd > valueStart, bytes[valueEnd - 1] == .space || bytes[valueEnd - 1] == .tab { valueEnd -= 1 }
            body(
                UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameEnd]),
                UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]))
            index += 2
        }
    }
}

/// The one pass behind ``HTTP1RequestHead/parse(_:)``.
private struct HeadScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The end of the input, or of what a head may take, was reached before the head's end.
    private var outOfInput: HTTP1RequestHead.Parsed {
        bytes.count >= HTTP1RequestHead.maxBytes ? .unframeable : .incomplete
    }

    private var limit: Int { min(bytes.count, HTTP1RequestHead.maxBytes) }

    mutating func parse() -> HTTP1RequestHead.Parsed {
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3). A leading empty line, which
        // §2.2 lets a server skip, is left to the full parser.
        let methodStart = index
        while index < limit, bytes[index].isTokenCharacter { index += 1 }
        guard index < limit else { return outOfInput }
        guard index > methodStart, index - methodStart <= 32, bytes[index] == .space else { return .unframeable }
        let method = methodStart..<index
        index += 1
        let targetStart = index
        var targetIsPlain = index < limit && bytes[index] == .slash
        while index < limit, bytes[index] > .space, bytes[index] < 0x7F {
            if !bytes[index].isPathOrQueryCharacter { targetIsPlain = false }
            index += 1
        }
        guard index < limit else { return outOfInput }
        guard index > targetStart, bytes[index] == .space else { return .unframeable }
        let target = targetStart..<index
        index += 1
        for expected in Self.versionLine {
            guard index < limit else { return outOfInput }
            guard bytes[index] == expected else { return .unframeable }
            index += 1
        }
        if isMethod(method, "CONNECT") { return .unframeable }

        var contentLength: Int?
        var hosts = 0
        var fieldCount = 0
        var fieldsArePlain = true
        // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), until the empty line.
        while true {
            guard index < limit else { return outOfInput }
            if bytes[index] == .cr {
                index += 1
                guard index < limit else { return outOfInput }
                guard bytes[index] == .lf else { return .unframeable }
                index += 1
                break
            }
            let nameStart = index
            while index < limit, bytes[index].isTokenCharacter { index += 1 }
            guard index < limit else { return outOfInput }
            // Whitespace before the colon (§5.1) and a fold (§5.2) land here too.
            guard index > nameStart, bytes[index] == .colon else { return .unframeable }
            let name = nameStart..<index
            index += 1
            fieldCount += 1
            guard fieldCount <= HTTP1RequestHead.maxFields else { return .unframeable }
            var leading = 0
            while index < limit, bytes[index] == .space || bytes[index] == .tab {
                index += 1
                leading += 1
            }
            let valueStart = index
            var lastWasSpace = false
            while index < limit, bytes[index] != .cr {
                let byte = bytes[index]
                if byte == .tab || byte >= 0x80 {
                    fieldsArePlain = false
                } else if byte < .space || byte == 0x7F {
                    return .unframeable
                }
                lastWasSpace = byte == .space || byte == .tab
                index += 1
            }
            guard index + 1 < limit else { return outOfInput }
            guard bytes[index + 1] == .lf else { return .unframeable }
            let value = valueStart..<index
            index += 2
            if leading > 1 || lastWasSpace { fieldsArePlain = false }

            if isName(name, "content-length") {
                // One value of digits (§6.3 rule 5: anything else is an error the full parser reports).
                guard contentLength == nil, !value.isEmpty, value.count <= 15,
                    value.allSatisfy({ bytes[$0] >= .zero && bytes[$0] <= .nine })
                else { return .unframeable }
                contentLength = value.reduce(0) { $0 * 10 + Int(bytes[$1] - .zero) }
            } else if isName(name, "transfer-encoding") || isName(name, "upgrade") {
                return .unframeable
            } else if isName(name, "host") {
                hosts += 1
            }
        }
        let head = HTTP1RequestHead(
            length: index, method: method, target: target, contentLength: contentLength, fieldCount: fieldCount,
            isPlain: targetIsPlain && fieldsArePlain && hosts == 1)
        return .complete(head)
    }

    private static let versionLine: [UInt8] = Array("HTTP/1.1\r\n".utf8)

    private func isMethod(_ range: Range<Int>, _ method: StaticString) -> Bool {
        guard range.count == method.utf8CodeUnitCount else { return false }
        return method.withUTF8Buffer { expected in
            for offset in 0..<expected.count where bytes[range.lowerBound + offset] != expected[offset] { return false }
            return true
        }
    }

    /// Field names compare case-insensitively (RFC 9110 §5.1); `lowercased` is already lower case.
    private func isName(_ range: Range<Int>, _ lowercased: StaticString) -> Bool {
        guard range.count == lowercased.utf8CodeUnitCount else { return false }
        return lowercased.withUTF8Buffer { expected in
            for offset in 0..<expected.count where bytes[range.lowerBound + offset] | 0x20 != expected[offset] {
                return false
            }
            return true
        }
    }
}

extension UInt8 {
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let zero = UInt8(ascii: "0")
    fileprivate static let nine = UInt8(ascii: "9")

    fileprivate var isTokenCharacter: Bool { HTTP1CharacterSet.isToken(self) }
    fileprivate var isPathOrQueryCharacter: Bool { HTTP1CharacterSet.isPathOrQuery(self) }
}

/// The character sets of the request head's grammar, each as two 64-bit masks over ASCII (bytes 0–63, 64–127):
/// a shift and a test per byte, no table to load. `HTTP1RequestFramerTests` checks the masks against the lists.
enum HTTP1CharacterSet {
    /// tchar (RFC 9110 §5.6.2): ALPHA, DIGIT and these.
    static let tokenSymbols = "!#$%&'*+-.^_`|~"
    /// pchar, "/" and "?" (RFC 3986 §3.3, §3.4), what an origin-form target (RFC 9112 §3.2.1) is made of: ALPHA,
    /// DIGIT and these.
    static let pathOrQuerySymbols = "-._~!$&'()*+,;=:@/?%"

    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        isMember(byte, low: 0x03FF_6CFA_0000_0000, high: 0x57FF_FFFF_C7FF_FFFE)
    }

    @inline(__always)
    static func isPathOrQuery(_ byte: UInt8) -> Bool {
        isMember(byte, low: 0xAFFF_FFF2_0000_0000, high: 0x47FF_FFFE_87FF_FFFF)
    }

    @inline(__always)
    private static func isMember(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
        if byte < 64 { return (low >> byte) & 1 == 1 }
        if byte < 128 { return (high >> (byte - 64)) & 1 == 1 }
        return false
    }
}
