// jsonwebtoken's `expiresIn`, as MiroTalk's JWT_EXPIRATION uses it: a number is seconds; a string goes through the
// `ms` package (`^(-?(?:\d+)?\.?\d+) *(unit)?$`, case-insensitive, at most 100 characters), whose bare number is
// milliseconds. So "3600" is 3.6 s while 3600 is an hour — kept faithfully, and warned about in the docs.

/// A duration written in `ms`/jsonwebtoken syntax, remembering how it was written so it renders back the same.
public struct MsDuration: Sendable, Equatable, CustomStringConvertible {
    public enum Spelling: Sendable, Equatable {
        /// A YAML number: seconds.
        case seconds(Double)
        /// An `ms` string such as `"1h"`, `"2 days"`, or `"500"` (milliseconds).
        case text(String)
    }

    public let spelling: Spelling
    /// The length in seconds (may be fractional or negative, as `ms` allows).
    public let seconds: Double

    /// MiroTalk's default token lifetime, `"1h"`.
    public static let defaultTokenLifetime = MsDuration(validatedText: "1h", seconds: 3600)

    /// A number of seconds, as jsonwebtoken reads a numeric `expiresIn`.
    public init(seconds: Double) {
        self.spelling = .seconds(seconds)
        self.seconds = seconds
    }

    /// An `ms` string; nil when `ms` would refuse it.
    public init?(_ text: String) {
        guard let seconds = MsDuration.seconds(in: text) else { return nil }
        self.init(validatedText: text, seconds: seconds)
    }

    private init(validatedText: String, seconds: Double) {
        self.spelling = .text(validatedText)
        self.seconds = seconds
    }

    /// The length as a Swift `Duration` (millisecond precision, as `ms` has).
    public var duration: Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    public var description: String {
        switch spelling {
        case .seconds(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .text(let text): text
        }
    }

    /// Seconds in an `ms` string, or nil if `ms` returns undefined for it.
    public static func seconds(in text: String) -> Double? {
        guard !text.isEmpty, text.count <= 100 else { return nil }
        let characters = Array(text)
        var index = 0
        var number = ""
        if index < characters.count, characters[index] == "-" {
            number.append("-")
            index += 1
        }
        var digitsBeforeDot = 0, digitsAfterDot = 0, sawDot = false
        while index < characters.count {
            let character = characters[index]
            if character.isASCIIDigit {
                if sawDot { digitsAfterDot += 1 } else { digitsBeforeDot += 1 }
            } else if character == ".", !sawDot {
                sawDot = true
            } else {
                break
            }
            number.append(character)
            index += 1
        }
        // `(?:\d+)?\.?\d+`: the number ends in a digit, and a dot is followed by at least one digit.
        guard sawDot ? digitsAfterDot > 0 : digitsBeforeDot > 0, let value = Double(number) else { return nil }
        while index < characters.count, characters[index] == " " { index += 1 }
        let unit = String(characters[index...]).lowercased()
        guard let millisecondsPerUnit = unitMilliseconds[unit] else { return nil }
        return value * millisecondsPerUnit / 1000
    }

    /// The `ms` package's units; a year is 365.25 days. No unit = milliseconds.
    private static let unitMilliseconds: [String: Double] = {
        let second = 1000.0, minute = 60 * second, hour = 60 * minute, day = 24 * hour
        let groups: [([String], Double)] = [
            (["", "ms", "msec", "msecs", "millisecond", "milliseconds"], 1),
            (["s", "sec", "secs", "second", "seconds"], second),
            (["m", "min", "mins", "minute", "minutes"], minute),
            (["h", "hr", "hrs", "hour", "hours"], hour),
            (["d", "day", "days"], day),
            (["w", "week", "weeks"], 7 * day),
            (["y", "yr", "yrs", "year", "years"], 365.25 * day),
        ]
        var table: [String: Double] = [:]
        for (names, value) in groups { for name in names { table[name] = value } }
        return table
    }()
}
