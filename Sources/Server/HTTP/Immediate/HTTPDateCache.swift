import Foundation

/// The `Date` header value (IMF-fixdate, RFC 9110 §5.6.7: `Sun, 06 Nov 1994 08:49:37 GMT`), formatted once per
/// second. One per connection handler: it lives on the connection's event loop, so it needs no lock.
struct HTTPDateCache {
    private var second = Int.min
    private var text = ""

    mutating func value(at epochSeconds: Int) -> String {
        if epochSeconds != second {
            second = epochSeconds
            text = Self.imfFixdate(epochSeconds)
        }
        return text
    }

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// RFC 9110 §5.6.7: day-name "," SP day SP month SP year SP hour ":" minute ":" second SP "GMT".
    static func imfFixdate(_ epochSeconds: Int) -> String {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(parts.tm_year + 1900)
        let paddedYear = String(repeating: "0", count: max(0, 4 - year.count)) + year
        return "\(dayNames[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(monthNames[Int(parts.tm_mon)]) \(paddedYear) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
