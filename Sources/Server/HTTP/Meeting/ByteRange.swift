import Foundation

/// One `Range: bytes=...` request (RFC 9110 §14.1.2), resolved against a representation of `size` bytes.
enum ByteRange: Equatable {
    /// Send the whole representation (no Range, a syntax error, several ranges: all allowed by §14.2).
    case whole
    /// 206 with these inclusive offsets.
    case partial(ClosedRange<Int64>)
    /// 416 (§15.5.17): no byte of the range exists.
    case unsatisfiable

    static func resolve(_ header: String?, size: Int64) -> ByteRange {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        // Several ranges: §14.2 lets a server ignore Range; a multipart/byteranges reply buys players nothing.
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        guard isDigits(first), isDigits(last), first.count <= 18, last.count <= 18 else {
            return .whole
        }
        if first.isEmpty {
            // suffix-range: the last N bytes (§14.1.2).
            guard let length = Int64(last) else { return .whole }
            guard length > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - length)...(size - 1))
        }
        guard let start = Int64(first) else { return .whole }
        var end = size - 1
        if !last.isEmpty {
            guard let given = Int64(last) else { return .whole }
            guard given >= start else { return .whole } // invalid range-spec: ignored
            end = min(given, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(start...end)
    }

    private static func isDigits(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
