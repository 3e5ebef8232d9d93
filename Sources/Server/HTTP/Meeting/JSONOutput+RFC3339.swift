import Foundation

extension JSONOutput {
    /// Where the last in-place timestamp was written and its whole second: rooms made in a burst share their
    /// seconds, and a repeated second is copied from the text already written instead of formatted again.
    struct TimestampMemo {
        var second = Int.min
        var offset = 0
    }

    /// The most bytes ``timestamp(_:memo:)`` writes for `date`.
    static func timestampBound(_ date: Date) -> Int {
        RFC3339.formatsInPlace(date) ? 2 + RFC3339.formattedLength : bound(RFC3339.format(date))
    }

    /// `date` as a JSON string holding ``RFC3339/format(_:)``'s text, formatted in place for 1970–9999 (no
    /// `String` per value).
    mutating func timestamp(_ date: Date, memo: inout TimestampMemo) {
        guard RFC3339.formatsInPlace(date) else { return string(RFC3339.format(date)) }
        let second = Int(date.timeIntervalSince1970.rounded(.down))
        byte(UInt8(ascii: "\""))
        if second == memo.second {
            repeatBytes(from: memo.offset, count: RFC3339.formattedLength)
        } else {
            memo = TimestampMemo(second: second, offset: count)
            inPlace(upTo: RFC3339.formattedLength) { field in
                RFC3339.write(date, into: field) ? RFC3339.formattedLength : 0
            }
        }
        byte(UInt8(ascii: "\""))
    }
}
