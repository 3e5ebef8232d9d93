/// MiroTalk's peer `os` and `browser` fields ("<name> <version>"), derived from a `User-Agent` header the way
/// UAParser.js names the common cases. Unknown → "". Works on untrusted text without trapping.
enum UserAgentSummary {
    static func summarize(_ userAgent: String?) -> (os: String, browser: String) {
        guard let ua = userAgent?.prefix(512) else { return ("", "") }
        return (operatingSystem(String(ua)), browser(String(ua)))
    }

    static func operatingSystem(_ ua: String) -> String {
        if let v = version(in: ua, after: "Windows NT ") {
            let names = ["10.0": "10", "6.3": "8.1", "6.2": "8", "6.1": "7"]
            return "Windows \(names[v] ?? v)"
        }
        if let v = version(in: ua, after: "iPhone OS ") ?? version(in: ua, after: "CPU OS ") {
            return "iOS \(v.replacingOccurrences(of: "_", with: "."))"
        }
        if let v = version(in: ua, after: "Mac OS X ") { return "macOS \(v.replacingOccurrences(of: "_", with: "."))" }
        if let v = version(in: ua, after: "Android ") { return "Android \(v)" }
        if ua.contains("CrOS") { return "Chrome OS" }
        if ua.contains("Linux") { return "Linux" }
        return ""
    }

    static func browser(_ ua: String) -> String {
        // Order matters: Edge and Opera also say Chrome; Chrome also says Safari.
        let markers: [(String, String)] = [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
            ("Chrome/", "Chrome"), ("Chromium/", "Chromium"),
        ]
        for (marker, name) in markers {
            if let v = version(in: ua, after: marker) { return "\(name) \(v)" }
        }
        if ua.contains("Safari/"), let v = version(in: ua, after: "Version/") { return "Safari \(v)" }
        return ""
    }

    /// The run of version characters (digits, `.`, `_`) right after `marker`, if any.
    static func version(in ua: String, after marker: String) -> String? {
        guard let range = ua.range(of: marker) else { return nil }
        let digits = ua[range.upperBound...].prefix { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "_") }
        return digits.isEmpty ? nil : String(digits.prefix(32))
    }
}
