import Foundation

/// JUnit XML derived from the JSON report: one <testsuite> per profile, one <testcase> per case.
/// FAIL (and NON-STRICT under --strict) → <failure>, BROKEN → <error>, SKIP → <skipped>; the rest pass.
public enum JUnitReport {
    public static func render(_ report: RunReport) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = report.cases.filter { isFailure($0, report) }.count
        let errors = report.cases.filter { $0.verdict == .broken }.count
        let skipped = report.cases.filter { $0.verdict == .skip }.count
        xml +=
            "<testsuites name=\"parley-conform\" tests=\"\(report.cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(seconds(report.durationMs))\">\n"
        let profiles = Array(Set(report.cases.map(\.profile))).sorted()
        for profile in profiles {
            let cases = report.cases.filter { $0.profile == profile }
            xml +=
                "  <testsuite name=\"\(escape(profile))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { isFailure($0, report) }.count)\" errors=\"\(cases.filter { $0.verdict == .broken }.count)\" skipped=\"\(cases.filter { $0.verdict == .skip }.count)\" time=\"\(seconds(cases.reduce(0) { $0 + $1.durationMs }))\">\n"
            for c in cases {
                let classname = c.id.split(separator: "/").dropLast().joined(separator: ".")
                xml +=
                    "    <testcase classname=\"\(escape(classname))\" name=\"\(escape(c.id))\" time=\"\(seconds(c.durationMs))\">\n"
                let detail =
                    "expected: \(c.expected ?? "-")\nobserved: \(c.observed ?? "-")\n\(c.curl.map { "repro: \($0)" } ?? "")"
                if isFailure(c, report) {
                    xml +=
                        "      <failure message=\"\(escape("\(c.verdict.rawValue): \(c.title)"))\" type=\"\(c.verdict.rawValue)\">\(escape(detail))</failure>\n"
                } else if c.verdict == .broken {
                    xml += "      <error message=\"\(escape(c.reason ?? "broken"))\" type=\"BROKEN\"/>\n"
                } else if c.verdict == .skip {
                    xml += "      <skipped message=\"\(escape(c.reason ?? ""))\"/>\n"
                }
                xml +=
                    "      <system-out>\(escape("\(c.verdict.rawValue) [\(c.severity.rawValue)] \(c.reference)\n\(c.observed ?? c.reason ?? "")"))</system-out>\n"
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    static func isFailure(_ c: CaseResult, _ report: RunReport) -> Bool {
        c.verdict == .fail || (report.strict && c.verdict == .nonStrict)
    }

    static func seconds(_ ms: Double) -> String { String(format: "%.3f", ms / 1000) }

    /// XML 1.0 text/attribute escaping; characters XML cannot carry are replaced.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
