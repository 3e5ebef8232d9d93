import Foundation

/// The differences between a recorded response and the replayed one, after masking: status, the compared
/// headers, and the body (JSON structure and values when both are JSON, the normalised text otherwise).
/// Each difference is one human-readable line; an empty list means "the target answered as recorded".
struct ReplayDiff {
    let mask: ReplayMask
    /// The authority the recording was made against and the target's (`Host` values): responses that echo it
    /// (absolute URLs, CORS origins) differ by it alone, so both become `<host>` before comparing.
    var recordedHost: String?
    var replayedHost: String?
    /// Lines are capped so a wholly different body does not flood the report.
    static let maxLines = 40

    func status(recorded: Int, replayed: Int) -> [String] {
        recorded == replayed ? [] : ["status: recorded \(recorded), replayed \(replayed)"]
    }

    func headers(recorded: [HeaderField], replayed: [HeaderField]) -> [String] {
        var lines: [String] = []
        for name in mask.comparedHeaders {
            let before = recorded.value(of: name).map { normaliseHeader($0, recorded: true) }
            let after = replayed.value(of: name).map { normaliseHeader($0, recorded: false) }
            if before != after {
                lines.append("header \(name): recorded \(quoted(before)), replayed \(quoted(after))")
            }
        }
        return lines
    }

    /// Header values differ harmlessly in case and spacing around list commas (RFC 9110 §5.6.1).
    private func normaliseHeader(_ value: String, recorded: Bool) -> String {
        normalise(
            value.split(separator: ",").map { $0.trimmingCharacters(in: [" ", "\t"]) }.joined(separator: ", "),
            recorded: recorded)
    }

    /// The host of its side replaced by `<host>`, then the mask's patterns.
    func normalise(_ text: String, recorded: Bool) -> String {
        var text = text
        if let host = recorded ? recordedHost : replayedHost, !host.isEmpty {
            text = text.replacingOccurrences(of: host, with: "<host>")
        }
        return mask.normalise(text)
    }

    private func quoted(_ value: String?) -> String { value.map { "\"\($0.prefix(120))\"" } ?? "(absent)" }

    func body(recorded: [UInt8], replayed: [UInt8]) -> [String] {
        if recorded.isEmpty && replayed.isEmpty { return [] }
        if let before = try? JSONValue.parse(recorded), let after = try? JSONValue.parse(replayed) {
            var lines: [String] = []
            json(before, after, path: [], into: &lines)
            return lines
        }
        let before = normalise(String(decoding: recorded, as: UTF8.self), recorded: true)
        let after = normalise(String(decoding: replayed, as: UTF8.self), recorded: false)
        guard before != after else { return [] }
        let common = zip(before, after).prefix { $0 == $1 }.count
        return [
            "body (text) differs at character \(common): recorded \"\(snippet(before, common))\", replayed \"\(snippet(after, common))\""
        ]
    }

    private func snippet(_ text: String, _ offset: Int) -> String {
        String(text.dropFirst(max(0, offset - 20)).prefix(60))
    }

    /// A structural comparison: masked paths must exist on both sides but their values are not compared.
    func json(_ before: JSONValue, _ after: JSONValue, path: [String], into lines: inout [String]) {
        guard lines.count < Self.maxLines else { return }
        let pointer = path.isEmpty ? "/" : "/" + path.map(Self.escape).joined(separator: "/")
        if mask.masks(path) { return }
        switch (before, after) {
        case (.object(let a), .object(let b)):
            for (key, value) in a {
                guard let other = b.first(where: { $0.0 == key }) else {
                    lines.append("body \(pointer == "/" ? "" : pointer)/\(Self.escape(key)): missing in replay")
                    continue
                }
                json(value, other.1, path: path + [key], into: &lines)
            }
            for (key, _) in b where !a.contains(where: { $0.0 == key }) && !mask.masks(path + [key]) {
                lines.append("body \(pointer == "/" ? "" : pointer)/\(Self.escape(key)): not in the recording")
            }
        case (.array(let a), .array(let b)):
            if a.count != b.count { lines.append("body \(pointer): recorded \(a.count) items, replayed \(b.count)") }
            for index in 0..<min(a.count, b.count) {
                json(a[index], b[index], path: path + [String(index)], into: &lines)
            }
        case (.string(let a), .string(let b)):
            if normalise(a, recorded: true) != normalise(b, recorded: false) {
                lines.append("body \(pointer): recorded \"\(a.prefix(120))\", replayed \"\(b.prefix(120))\"")
            }
        case (.number(let a, _), .number(let b, _)):
            if a != b { lines.append("body \(pointer): recorded \(before.compactText), replayed \(after.compactText)") }
        default:
            if before.typeName != after.typeName {
                lines.append("body \(pointer): recorded a \(before.typeName), replayed a \(after.typeName)")
            } else if before != after {
                lines.append(
                    "body \(pointer): recorded \(before.compactText.prefix(120)), replayed \(after.compactText.prefix(120))"
                )
            }
        }
    }

    /// RFC 6901 §3 escaping of one segment.
    static func escape(_ segment: String) -> String {
        segment.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
