/// Follows the message boundaries of one connection's HTTP/1.1 request stream (RFC 9112 §2.1, §6.3) as its
/// bytes arrive, without holding them back: every byte is handed on at once, except a whole request head with no
/// body that starts at a boundary, which the caller may answer itself instead.
///
/// It only frames what it can frame with certainty (``HTTP1RequestHead/parse(_:)``'s strict grammar, HTTP/1.1,
/// bodies sized by `Content-Length`). At the first thing it cannot (chunked bodies, protocol changes, bad syntax,
/// a head over the limits) it gives up for good: from then on every byte goes on, and the full parser behind it
/// sees exactly the stream the client sent.
public struct HTTP1RequestFramer: Sendable {
    public enum Step: Equatable, Sendable {
        /// Hand on the next `count` bytes as they are.
        case pass(Int)
        /// The input starts with this whole request head, the whole message (it has no body), at a boundary and
        /// not handed out before: answer it, or hand on its `length` bytes.
        case request(HTTP1RequestHead)
    }

    private enum State: Sendable {
        case atHead
        /// A head whose first bytes went on in an earlier input: its bytes so far (at most
        /// ``HTTP1RequestHead/maxBytes``) and how much of the CRLF CRLF that ends it they end with.
        case inHead(carried: [UInt8], matched: Int)
        case inBody(remaining: Int)
        case gaveUp
    }

    private var state = State.atHead
    /// Messages whose end the framer has seen (tests and fuzzing compare it across different read splits).
    public private(set) var messagesEnded = 0

    public init() {}

    /// True once the framer has given up: everything from here on is handed on.
    public var gaveUp: Bool {
        if case .gaveUp = state { return true }
        return false
    }

    /// The next step for `input`, the unread bytes of the stream; `.pass(0)` only for an empty input.
    public mutating func next(_ input: UnsafeRawBufferPointer) -> Step {
        guard !input.isEmpty else { return .pass(0) }
        switch state {
        case .gaveUp:
            return .pass(input.count)
        case .inBody(let remaining):
            let count = min(remaining, input.count)
            if count == remaining {
                endMessage()
            } else {
                state = .inBody(remaining: remaining - count)
            }
            return .pass(count)
        case .inHead(var carried, var matched):
            state = .gaveUp // Not copy-on-write while carried grows.
            return continueHead(input, carried: &carried, matched: &matched)
        case .atHead:
            switch HTTP1RequestHead.parse(input) {
            case .complete(let head):
                if let length = head.contentLength, length > 0 {
                    state = .inBody(remaining: length)
                    return .pass(head.length)
                }
                endMessage()
                return .request(head)
            case .incomplete:
                let carried = Array(input)
                state = .inHead(carried: carried, matched: Self.terminatorMatched(after: carried.suffix(3)))
                return .pass(input.count)
            case .unframeable:
                state = .gaveUp
                return .pass(input.count)
            }
        }
    }

    private mutating func continueHead(
        _ input: UnsafeRawBufferPointer, carried: inout [UInt8], matched: inout Int
    ) -> Step {
        for (offset, byte) in input.enumerated() {
            carried.append(byte)
            matched = Self.terminatorStep(matched, byte)
            if matched == Self.terminator.count {
                let parsed = carried.withUnsafeBytes { HTTP1RequestHead.parse($0) }
                guard case .complete(let head) = parsed, head.length == carried.count else {
                    return .pass(input.count) // Stays given up.
                }
                if let length = head.contentLength, length > 0 {
                    state = .inBody(remaining: length)
                } else {
                    endMessage()
                }
                return .pass(offset + 1)
            }
            if carried.count >= HTTP1RequestHead.maxBytes { return .pass(input.count) }
        }
        state = .inHead(carried: carried, matched: matched)
        return .pass(input.count)
    }

    private mutating func endMessage() {
        state = .atHead
        messagesEnded += 1
    }

    private static let terminator: [UInt8] = Array("\r\n\r\n".utf8)

    /// How much of CRLF CRLF the bytes seen end with, after one more byte.
    private static func terminatorStep(_ matched: Int, _ byte: UInt8) -> Int {
        if byte == terminator[matched] { return matched + 1 }
        return byte == terminator[0] ? 1 : 0
    }

    private static func terminatorMatched(after bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { terminatorStep($0, $1) }
    }
}
