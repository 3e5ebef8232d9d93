import Testing

@testable import ParleyWire

/// The framer in front of Parley's HTTP codec (RFC 9112 §2.1, §6.3): where each request ends, whatever the read
/// splits, and giving up for good on anything it cannot frame with certainty.
@Suite("HTTP/1.1 request framing")
struct HTTP1RequestFramerTests {
    static let stats = "GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: key\r\n\r\n"

    static func parse(_ text: String) -> HTTP1RequestHead.Parsed {
        Array(text.utf8).withUnsafeBytes { HTTP1RequestHead.parse($0) }
    }

    static func head(_ text: String) -> HTTP1RequestHead? {
        if case .complete(let head) = parse(text) { return head }
        return nil
    }

    /// Feeds `stream` in the reads `splits` cut it into, moving past every step as a codec would; returns the
    /// steps and the framer.
    static func frame(_ stream: [UInt8], splits: [Int] = []) -> ([HTTP1RequestFramer.Step], HTTP1RequestFramer) {
        var framer = HTTP1RequestFramer()
        var steps: [HTTP1RequestFramer.Step] = []
        var start = 0
        for end in (splits + [stream.count]) where end >= start {
            var offset = start
            while offset < end {
                let step = stream[offset..<end].withUnsafeBytes { framer.next($0) }
                steps.append(step)
                switch step {
                case .pass(let count): offset += count
                case .request(let head): offset += head.length
                }
            }
            start = end
        }
        return (steps, framer)
    }

    @Test("a whole GET head: its length, method, target and fields")
    func wholeHead() throws {
        let head = try #require(Self.head(Self.stats))
        #expect(head.length == Self.stats.utf8.count)
        #expect(head.method == 0..<3)
        #expect(head.target == 4..<17)
        #expect(head.contentLength == nil)
        #expect(head.fieldCount == 2)
        #expect(head.isPlain)
        var fields: [String] = []
        Array(Self.stats.utf8).withUnsafeBytes { bytes in
            HTTP1RequestHead.forEachField(in: bytes) { name, value in
                fields.append(String(decoding: name, as: UTF8.self) + "=" + String(decoding: value, as: UTF8.self))
            }
        }
        #expect(fields == ["Host=127.0.0.1", "authorization=key"])
    }

    @Test("every truncation of a head is incomplete, never an error or a head")
    func truncations() {
        let text = Self.stats + "X"
        let bytes = Array(Self.stats.utf8)
        for length in 0..<bytes.count {
            let parsed = bytes[..<length].withUnsafeBytes { HTTP1RequestHead.parse($0) }
            #expect(parsed == .incomplete, "prefix of \(length) bytes")
        }
        #expect(Self.head(text)?.length == bytes.count, "bytes after the head are not part of it")
    }

    @Test("pipelined requests: each body-less head whole, a body passed by its Content-Length")
    func pipelined() throws {
        let post = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        let stream = Array((Self.stats + post + Self.stats).utf8)
        let (steps, framer) = Self.frame(stream)
        let first = try #require(Self.head(Self.stats))
        let postHead = try #require(Self.head(post))
        #expect(steps == [.request(first), .pass(postHead.length), .pass(5), .request(first)])
        #expect(framer.messagesEnded == 3)
        #expect(!framer.gaveUp)
    }

    @Test("Content-Length: 0 is a body-less request")
    func zeroLength() throws {
        let text = "GET /a HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
        let head = try #require(Self.head(text))
        #expect(head.contentLength == 0)
        let (steps, _) = Self.frame(Array(text.utf8))
        #expect(steps == [.request(head)])
    }

    @Test("any read split finds the same message ends; only a head whole in one read is handed out")
    func splits() {
        let text = Self.stats + "PUT /y HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nabc" + Self.stats + Self.stats
        let stream = Array(text.utf8)
        let (wholeSteps, whole) = Self.frame(stream)
        #expect(whole.messagesEnded == 4)
        #expect(wholeSteps.filter { if case .request = $0 { true } else { false } }.count == 3)
        // Byte by byte: every byte passes, no head is ever whole.
        let (byteSteps, bytewise) = Self.frame(stream, splits: Array(1..<stream.count))
        #expect(bytewise.messagesEnded == 4)
        #expect(byteSteps.allSatisfy { $0 == .pass(1) })
        // Every single cut point.
        for cut in 1..<stream.count {
            let (steps, framer) = Self.frame(stream, splits: [cut])
            #expect(framer.messagesEnded == 4, "cut at \(cut)")
            #expect(!framer.gaveUp, "cut at \(cut)")
            let covered = steps.reduce(0) {
                switch $1 {
                case .pass(let count): $0 + count
                case .request(let head): $0 + head.length
                }
            }
            #expect(covered == stream.count, "cut at \(cut)")
        }
    }

    @Test(
        "gives up on what it cannot frame with certainty",
        arguments: [
            ("chunked", "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            ("upgrade", "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
            ("CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"),
            ("HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\n\r\n"),
            ("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            ("bare LF", "GET / HTTP/1.1\nHost: a\n\n"),
            ("bare CR in a value", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"),
            ("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
            ("obsolete fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
            ("control character", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{1}c\r\n\r\n"),
            ("DEL", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{7F}\r\n\r\n"),
            ("two Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"),
            ("Content-Length not digits", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx"),
            ("Content-Length too long", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456\r\n\r\n"),
            ("leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("empty field name", "GET / HTTP/1.1\r\n: a\r\n\r\n"),
            ("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n"),
        ])
    func givesUp(_ name: String, _ text: String) {
        #expect(Self.parse(text) == .unframeable, "\(name)")
        let stream = Array((text + Self.stats).utf8)
        let (steps, framer) = Self.frame(stream)
        #expect(framer.gaveUp, "\(name)")
        #expect(steps == [.pass(stream.count)], "\(name): everything goes on")
        // The same when the bad head arrives a byte at a time after a good request.
        let late = Array((Self.stats + text + Self.stats + Self.stats).utf8)
        let (_, bytewise) = Self.frame(late, splits: Array(1..<late.count))
        #expect(bytewise.messagesEnded == 1, "\(name)")
    }

    @Test("a head over 16 KiB, or with over 100 fields, is given up on, whole or in pieces")
    func limits() {
        let big =
            "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: HTTP1RequestHead.maxBytes)
            + "\r\n\r\n"
        #expect(Self.parse(big) == .unframeable)
        let bigBytes = Array(big.utf8)
        let (_, pieces) = Self.frame(bigBytes, splits: Array(stride(from: 100, to: bigBytes.count, by: 100)))
        #expect(pieces.gaveUp)
        let many =
            "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<HTTP1RequestHead.maxFields).map { "X-\($0): v\r\n" }.joined()
            + "\r\n"
        #expect(Self.parse(many) == .unframeable)
        let enough =
            "GET / HTTP/1.1\r\nHost: a\r\n" + (1..<HTTP1RequestHead.maxFields).map { "X-\($0): v\r\n" }.joined()
            + "\r\n"
        #expect(Self.head(enough) != nil)
    }

    @Test(
        "framed, but not plain: answered by the full stack",
        arguments: [
            ("tab in a value", "GET /a HTTP/1.1\r\nHost: a\r\nX-A: b\tc\r\n\r\n"),
            ("trailing space", "GET /a HTTP/1.1\r\nHost: a \r\n\r\n"),
            ("two spaces after the colon", "GET /a HTTP/1.1\r\nHost:  a\r\n\r\n"),
            ("obs-text", "GET /a HTTP/1.1\r\nHost: a\r\nX-A: caf\u{E9}\r\n\r\n"),
            ("no Host", "GET /a HTTP/1.1\r\nX-A: b\r\n\r\n"),
            ("two Host", "GET /a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            ("absolute form", "GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("asterisk form", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("quote in the target", "GET /a\"b HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("fragment in the target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n"),
        ])
    func notPlain(_ name: String, _ text: String) throws {
        let head = try #require(Self.head(text), "\(name)")
        #expect(!head.isPlain, "\(name)")
        let (steps, framer) = Self.frame(Array((text + Self.stats).utf8))
        #expect(steps.count == 2 && !framer.gaveUp, "\(name): still framed")
    }

    @Test("plain: no space after the colon, percent-escapes and a query, field names in any case")
    func plainVariants() throws {
        for text in [
            "GET /a%20b?x=1&y=/z:@ HTTP/1.1\r\nhOsT:a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n",
            "DELETE /a HTTP/1.1\r\nHost: a\r\ncontent-LENGTH: 0\r\n\r\n",
        ] {
            let head = try #require(Self.head(text), "\(text)")
            #expect(head.isPlain, "\(text)")
        }
    }
}

@Suite("HTTP/1.1 head character sets")
struct HTTP1CharacterSetTests {
    static func isAlphaOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    @Test("the masks hold exactly ALPHA, DIGIT and the listed symbols, for every byte")
    func masks() {
        for value in 0...255 {
            let byte = UInt8(value)
            let token = Self.isAlphaOrDigit(byte) || HTTP1CharacterSet.tokenSymbols.utf8.contains(byte)
            let path = Self.isAlphaOrDigit(byte) || HTTP1CharacterSet.pathOrQuerySymbols.utf8.contains(byte)
            #expect(HTTP1CharacterSet.isToken(byte) == token, "byte \(value)")
            #expect(HTTP1CharacterSet.isPathOrQuery(byte) == path, "byte \(value)")
        }
    }
}
