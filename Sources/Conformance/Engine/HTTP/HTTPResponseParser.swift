/// Incremental HTTP/1.1 response framing (RFC 9112 §4, §6): tells whether the bytes so far hold one complete
/// response and parses it. Works on untrusted bytes without trapping.
enum HTTPResponseParser {
    enum Progress {
        case needMore
        case complete(HTTPResponse)
        case invalid(String)
    }

    static func parse(_ bytes: [UInt8], connectionClosed: Bool, requestMethod: String) -> Progress {
        guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
            if connectionClosed { return bytes.isEmpty ? .invalid("no response") : .invalid("headers not terminated") }
            return bytes.count > 1 << 20 ? .invalid("header section larger than 1 MiB") : .needMore
        }
        let head = String(decoding: bytes[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return .invalid("empty status line") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...999).contains(status)
        else {
            return .invalid("bad status line \"\(statusLine.prefix(80))\"")
        }
        let reason = parts.count > 2 ? String(parts[2]) : ""
        var headers: [HeaderField] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                return .invalid("bad header line \"\(line.prefix(80))\"")
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append(HeaderField(name, value))
        }
        let bodyStart = headerEnd + 4
        let response = { (body: [UInt8]) in HTTPResponse(status: status, reason: reason, headers: headers, body: body) }
        // Informational responses precede the real one; we never send Expect, so just skip them (§15.2).
        if (100..<200).contains(status) && status != 101 {
            return parse(Array(bytes[bodyStart...]), connectionClosed: connectionClosed, requestMethod: requestMethod)
        }
        if requestMethod == "HEAD" || status == 204 || status == 304 { return .complete(response([])) }
        let lowered = headers.map { ($0.name.lowercased(), $0.value) }
        if let coding = lowered.first(where: { $0.0 == "transfer-encoding" })?.1,
            coding.lowercased().contains("chunked")
        {
            switch dechunk(bytes, from: bodyStart) {
            case .some(.some(let body)): return .complete(response(body))
            case .some(.none): return .invalid("bad chunked encoding")
            case .none: return connectionClosed ? .invalid("chunked body cut short") : .needMore
            }
        }
        if let lengthText = lowered.first(where: { $0.0 == "content-length" })?.1 {
            guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                return .invalid("bad Content-Length \(lengthText)")
            }
            if bytes.count - bodyStart >= length {
                return .complete(response(Array(bytes[bodyStart..<(bodyStart + length)])))
            }
            return connectionClosed ? .invalid("body shorter than Content-Length") : .needMore
        }
        return connectionClosed ? .complete(response(Array(bytes[bodyStart...]))) : .needMore
    }

    /// nil = need more bytes; .some(nil) = invalid; .some(body) = complete (RFC 9112 §7.1).
    private static func dechunk(_ bytes: [UInt8], from start: Int) -> [UInt8]?? {
        var index = start
        var body: [UInt8] = []
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: index) else { return nil }
            let sizeText =
                String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return .some(nil) }
            index = lineEnd + 2
            if size == 0 {
                // Trailer section ends with an empty line.
                guard let end = find([13, 10], in: bytes, from: index) else { return nil }
                if end == index { return .some(body) }
                guard find([13, 10, 13, 10], in: bytes, from: index) != nil else { return nil }
                return .some(body)
            }
            guard bytes.count >= index + size + 2 else { return nil }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count > 0, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

import Foundation
