import Foundation
import ParleyConformance

/// The JavaScript and Express semantics the reference target needs to answer as MiroTalk does: truthiness and
/// template-string printing, urlencoded bodies, and jsonwebtoken's `expiresIn`.
extension FaultyMiroTalk {
    /// `x` as `${x || …}` prints it when `x` is truthy (ECMA-262 ToBoolean, ToString); nil when falsy.
    static func truthyJavaScriptText(_ value: JSONValue) -> String? {
        switch value {
        case .null, .bool(false): return nil
        case .bool(true): return "true"
        case .string(let s): return s.isEmpty ? nil : s
        case .number(let d, let text):
            if d == 0 || d.isNaN { return nil }
            return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : text
        case .array(let items): return items.map { truthyJavaScriptText($0) ?? "" }.joined(separator: ",")
        case .object: return "[object Object]"
        }
    }

    /// application/x-www-form-urlencoded (WHATWG URL §5.1): `+` is a space, then percent-decoding; nil if not UTF-8.
    static func formFields(_ bytes: [UInt8]) -> JSONValue? {
        guard let text = String(bytes: bytes, encoding: .utf8) else { return nil }
        var fields: [(String, JSONValue)] = []
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            fields.append((decode(parts[0]), .string(parts.count > 1 ? decode(parts[1]) : "")))
        }
        return .object(fields)
    }

    /// The same form encoding in the other direction, as URLSearchParams writes it: space becomes `+`, and
    /// `! ~ ' ( )` are percent-encoded while `* - . _` stay — the plausible mistake instead of encodeURIComponent.
    func formURLEncoded(_ text: String) -> String {
        let kept = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._".utf8)
        var out = ""
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") {
                out += "+"
            } else if kept.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// jsonwebtoken `expiresIn` via the `ms` package: a number is seconds, a digits-only string milliseconds,
    /// "<n><unit>" or "<n> <unit words>" a span; falsy takes the default (1h). nil = unreadable (jwt.sign throws).
    static func expiresInSeconds(_ value: JSONValue, digitsAsSeconds: Bool = false) -> Int? {
        guard truthyJavaScriptText(value) != nil else { return 3600 }
        if case .number(let d, _) = value { return Int(d) }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        if !text.isEmpty, text.allSatisfy(\.isNumber), let n = Int(text) { return digitsAsSeconds ? n : n / 1000 }
        let units: [(Set<String>, Double)] = [
            (["ms", "msec", "msecs", "millisecond", "milliseconds"], 0.001),
            (["s", "sec", "secs", "second", "seconds"], 1),
            (["m", "min", "mins", "minute", "minutes"], 60), (["h", "hr", "hrs", "hour", "hours"], 3600),
            (["d", "day", "days"], 86_400), (["w", "week", "weeks"], 604_800),
            (["y", "yr", "yrs", "year", "years"], 31_557_600),
        ]
        let number = text.prefix { $0.isNumber || $0 == "." }
        let unit = text.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        guard let n = Double(number), let factor = units.first(where: { $0.0.contains(unit) })?.1 else { return nil }
        return Int(n * factor)
    }
}
