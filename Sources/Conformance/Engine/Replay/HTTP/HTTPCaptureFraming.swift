import Foundation

/// Framing of HTTP/1.1 messages in a reassembled byte stream (RFC 9112 §2-§7): where a head ends, how long a
/// body is, chunked decoding. Untrusted input: every read is bounds-checked, sizes are capped, nothing traps.
enum HTTPCaptureFraming {
    struct Failure: Error, Sendable, CustomStringConvertible {
        var offset: Int
        var message: String
        var description: String { "at stream byte \(offset): \(message)" }
    }

    /// A parsed head: the start line split in three and the header fields.
    struct Head {
        var parts: [String]
        var headers: [HeaderField]
        /// Offset of the first body byte.
        var bodyStart: Int
    }

    static let maxHeadBytes = 64 << 10
    static let maxBodyBytes = 32 << 20

    /// Parses the head starting at `start`; nil when the stream ends before it does.
    static func head(in bytes: [UInt8], at start: Int) throws(Failure) -> Head? {
        guard let end = headEnd(bytes, from: start) else {
            if bytes.count - start > maxHeadBytes {
                throw Failure(offset: start, message: "header section longer than \(maxHeadBytes) bytes")
            }
            return nil
        }
        guard end - start <= maxHeadBytes else {
            throw Failure(offset: start, message: "header section longer than \(maxHeadBytes) bytes")
        }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let startLine = lines.isEmpty ? "" : String(lines.removeFirst())
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else {
            throw Failure(offset: start, message: "bad start line \"\(startLine.prefix(80))\"")
        }
        var headers: [HeaderField] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw Failure(offset: start, message: "bad header line \"\(line.prefix(80))\"")
            }
            headers.append(
                HeaderField(
                    String(line[..<colon]),
                    line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])))
        }
        return Head(parts: parts, headers: headers, bodyStart: end + 4)
    }

    /// Offset of the CRLFCRLF that ends a head, scanning once.
    private static func headEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        let limit = min(bytes.count - 3, start + maxHeadBytes + 1)
        while index < limit {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    enum BodyLength {
        case none
        case length(Int)
        case chunked
        /// Until the connection closes (a response without length, RFC 9112 §6.3 item 8).
        case untilClose
    }

    /// RFC 9112 §6.3: Transfer-Encoding chunked wins over Content-Length; a request without either has none.
    static func bodyLength(_ headers: [HeaderField], isRequest: Bool, at offset: Int) throws(Failure) -> BodyLength {
        if let coding = headers.value(of: "transfer-encoding") {
            guard coding.lowercased().split(separator: ",").last?.trimmingCharacters(in: .whitespaces) == "chunked"
            else {
                if isRequest {
                    throw Failure(offset: offset, message: "request Transfer-Encoding \(coding) not chunked")
                }
                return .untilClose
            }
            return .chunked
        }
        if let text = headers.value(of: "content-length") {
            guard let length = Int(text), length >= 0 else {
                throw Failure(offset: offset, message: "bad Content-Length \"\(text.prefix(40))\"")
            }
            guard length <= maxBodyBytes else {
                throw Failure(offset: offset, message: "Content-Length \(length) above \(maxBodyBytes)")
            }
            return .length(length)
        }
        return isRequest ? .none : .untilClose
    }

    /// Reads a body of the given framing at `start`: (body, offset after it), nil when the stream ends first.
    static func body(_ length: BodyLength, in bytes: [UInt8], at start: Int, streamEnded: Bool) throws(Failure)
        -> ([UInt8], Int)?
    {
        switch length {
        case .none:
            return ([], start)
        case .length(let count):
            guard bytes.count - start >= count else { return nil }
            return (Array(bytes[start..<(start + count)]), start + count)
        case .untilClose:
            guard streamEnded else { return nil }
            guard bytes.count - start <= maxBodyBytes else {
                throw Failure(offset: start, message: "body longer than \(maxBodyBytes) bytes")
            }
            return (Array(bytes[start...]), bytes.count)
        case .chunked:
            return try dechunk(bytes, at: start)
        }
    }

    /// RFC 9112 §7.1: size line (hex, optional extensions), data, CRLF; a zero size, then trailers and CRLF.
    private static func dechunk(_ bytes: [UInt8], at start: Int) throws(Failure) -> ([UInt8], Int)? {
        var index = start
        var body: [UInt8] = []
        while true {
            guard let lineEnd = findLineEnd(bytes, from: index) else { return nil }
            let line = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            let sizeText =
                line.split(separator: ";", omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: [" ", "\t"]) ?? ""
            guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16) else {
                throw Failure(offset: index, message: "bad chunk size line \"\(line.prefix(40))\"")
            }
            guard body.count + size <= maxBodyBytes else {
                throw Failure(offset: index, message: "chunked body longer than \(maxBodyBytes) bytes")
            }
            index = lineEnd + 2
            if size == 0 {
                // Trailer fields, then an empty line.
                while true {
                    guard let end = findLineEnd(bytes, from: index) else { return nil }
                    let empty = end == index
                    index = end + 2
                    if empty { return (body, index) }
                }
            }
            guard bytes.count - index >= size + 2 else { return nil }
            body.append(contentsOf: bytes[index..<(index + size)])
            guard bytes[index + size] == 13, bytes[index + size + 1] == 10 else {
                throw Failure(offset: index + size, message: "chunk data not followed by CRLF")
            }
            index += size + 2
        }
    }

    private static func findLineEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        let limit = min(bytes.count - 1, start + maxHeadBytes)
        while index < limit {
            if bytes[index] == 13 && bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}
