import Foundation

extension RFC3339 {
    /// Characters in `YYYY-MM-DDTHH:MM:SSZ`.
    static let formattedLength = 20

    /// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 §5.6, UTC, whole seconds): the text `Date.formatted(.iso8601)` gives, the
    /// fraction dropped toward the past as it does, computed with integer arithmetic (the format style costs
    /// microseconds per call, which a list of 1,000 rooms pays 1,000 times). Years outside 1970–9999 are left to
    /// the format style.
    static func format(_ date: Date) -> String {
        let text = String(unsafeUninitializedCapacity: formattedLength) { buffer in
            write(date, into: UnsafeMutableRawBufferPointer(buffer)) ? formattedLength : 0
        }
        return text.isEmpty ? date.formatted(.iso8601) : text
    }

    /// Whether ``write(_:into:)`` formats `date` (1970–9999).
    static func formatsInPlace(_ date: Date) -> Bool {
        let floored = date.timeIntervalSince1970.rounded(.down)
        // 253_402_300_800 s is 10000-01-01T00:00:00Z.
        return floored >= 0 && floored < 253_402_300_800
    }

    /// Writes the ``formattedLength`` bytes of ``format(_:)`` into `text` (at least that long) when the date is in
    /// 1970–9999, and returns true; writes nothing and returns false for any other date.
    static func write(_ date: Date, into text: UnsafeMutableRawBufferPointer) -> Bool {
        guard formatsInPlace(date), text.count >= formattedLength else { return false }
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (year, month, day) = civilDate(daysSinceEpoch: seconds / 86_400)
        let secondOfDay = seconds % 86_400
        func put(_ value: Int, at offset: Int, digits: Int) {
            var rest = value
            for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        put(year, at: 0, digits: 4)
        text[4] = UInt8(ascii: "-")
        put(month, at: 5, digits: 2)
        text[7] = UInt8(ascii: "-")
        put(day, at: 8, digits: 2)
        text[10] = UInt8(ascii: "T")
        put(secondOfDay / 3600, at: 11, digits: 2)
        text[13] = UInt8(ascii: ":")
        put(secondOfDay / 60 % 60, at: 14, digits: 2)
        text[16] = UInt8(ascii: ":")
        put(secondOfDay % 60, at: 17, digits: 2)
        text[19] = UInt8(ascii: "Z")
        return true
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (non-negative). Counts in 400-year cycles of
    /// 146,097 days from 0000-03-01, so the leap day is the last day of each counted year.
    static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let fromMarchZero = daysSinceEpoch + 719_468 // days from 0000-03-01 to 1970-01-01
        let cycle = fromMarchZero / 146_097
        let dayOfCycle = fromMarchZero - cycle * 146_097 // 0...146096
        let yearOfCycle =
            (dayOfCycle - dayOfCycle / 1460 + dayOfCycle / 36_524 - dayOfCycle / 146_096) / 365 // 0...399
        let dayOfYear = dayOfCycle - (365 * yearOfCycle + yearOfCycle / 4 - yearOfCycle / 100) // 0...365
        let shiftedMonth = (5 * dayOfYear + 2) / 153 // 0 = March ... 11 = February
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfCycle + cycle * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
