import Foundation
import ParleyJSON

/// `qs.parse` (extended urlencoded) for the shapes MiroTalk clients send: `k=v`, nested `a[b]=v`, arrays `a[]=v`;
/// a repeated plain key collects its values into an array. Values stay strings, as in qs.
enum URLEncodedForm {
    static let maxDepth = 5
    static let maxPairs = 1000

    static func parse(_ text: String) -> JSONValue {
        var root = JSONObject()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true).prefix(maxPairs) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            let value = parts.count > 1 ? decode(String(parts[1])) : ""
            guard !key.isEmpty else { continue }
            insert(path: keyPath(key), value: .string(value), into: &root)
        }
        return .object(root)
    }

    /// "+" is a space; a bad percent escape is kept verbatim (qs's decoder does the same).
    static func decode(_ raw: String) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// `a[b][]` → ["a", "b", ""]; text after the allowed depth stays part of the last segment, as qs does.
    static func keyPath(_ key: String) -> [String] {
        guard let open = key.firstIndex(of: "["), open != key.startIndex else { return [key] }
        var segments = [String(key[..<open])]
        var rest = key[open...]
        while segments.count <= maxDepth, rest.first == "[", let close = rest.firstIndex(of: "]") {
            segments.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { segments[segments.count - 1] += String(rest) }
        return segments
    }

    static func insert(path: [String], value: JSONValue, into members: inout JSONObject) {
        guard let head = path.first else { return }
        let existing = members[head]
        if path.count == 1 {
            switch existing {
            case nil: members[head] = value
            // qs combines repeated keys into an array.
            case .array(let items)?: members[head] = .array(items + [value])
            case let other?: members[head] = .array([other, value])
            }
            return
        }
        let tail = Array(path.dropFirst())
        if tail == [""] { // a[]=v appends
            switch existing {
            case nil: members[head] = .array([value])
            case .array(let items)?: members[head] = .array(items + [value])
            default: break
            }
            return
        }
        var child = existing?.objectValue ?? JSONObject()
        insert(path: tail, value: value, into: &child)
        members[head] = .object(child)
    }
}
