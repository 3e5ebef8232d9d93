import Foundation

/// A self-contained HTML page (inline CSS and JS, no external assets): a targets × cases matrix with verdict
/// filters, and per case its requirement, expected vs observed and the wire log.
public enum HTMLReport {
    public static func render(_ reports: [RunReport]) -> String {
        let esc = JUnitReport.escape
        let ids = Array(Set(reports.flatMap { $0.cases.map(\.id) })).sorted()
        var html = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>parley-conform report</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
            .PASS{background:#c8f7c5}.FAIL{background:#f7a8a8}.NON-STRICT{background:#f7dca8}.INFO{background:#d8e6f7}
            .SKIP{background:#eee}.BROKEN{background:#c9a8f7}.FLAKY{background:#f7f3a8}
            pre{white-space:pre-wrap;background:#f8f8f8;padding:6px;max-height:30em;overflow:auto}
            details{margin:.3em 0}.filters label{margin-right:1em}
            </style></head><body>
            <h1>parley-conform report</h1>
            """
        for report in reports {
            html +=
                "<p>Target <code>\(esc(report.target))</code>, profiles \(esc(report.profiles.joined(separator: ","))), "
            html += "exit code \(report.exitCode), \(report.cases.count) cases: "
            html += Verdict.allCases.map { "\($0.rawValue) \(report.counts[$0.rawValue] ?? 0)" }.joined(separator: ", ")
            if let error = report.runError { html += " — <strong>\(esc(error))</strong>" }
            html += "</p>\n"
        }
        html += "<div class=\"filters\">Show: "
        for verdict in Verdict.allCases {
            html +=
                "<label><input type=\"checkbox\" checked data-verdict=\"\(verdict.rawValue)\" onchange=\"applyFilters()\"> \(verdict.rawValue)</label>"
        }
        html += "<input id=\"search\" placeholder=\"case id contains…\" oninput=\"applyFilters()\"></div>\n"
        html += "<table id=\"matrix\"><thead><tr><th>case</th><th>severity</th>"
        for report in reports { html += "<th>\(esc(report.target))</th>" }
        html += "</tr></thead><tbody>\n"
        for id in ids {
            let results = reports.map { $0.cases.first { $0.id == id } }
            let verdicts = results.compactMap { $0?.verdict.rawValue }
            html +=
                "<tr data-id=\"\(esc(id))\" data-verdicts=\"\(verdicts.joined(separator: " "))\"><td><a href=\"#\(anchor(id))\">\(esc(id))</a></td>"
            html += "<td>\(esc(results.compactMap { $0?.severity.rawValue }.first ?? ""))</td>"
            for result in results {
                html += "<td class=\"\(result?.verdict.rawValue ?? "")\">\(result?.verdict.rawValue ?? "—")</td>"
            }
            html += "</tr>\n"
        }
        html += "</tbody></table>\n<h2>Cases</h2>\n"
        for (index, report) in reports.enumerated() {
            for c in report.cases {
                html +=
                    "<details id=\"\(anchor(c.id))\(index == 0 ? "" : "-\(index)")\" data-verdict=\"\(c.verdict.rawValue)\" class=\"case\">"
                html +=
                    "<summary><span class=\"\(c.verdict.rawValue)\">\(c.verdict.rawValue)</span> \(esc(c.id)) — \(esc(c.title)) <small>(\(esc(report.target)))</small></summary>\n"
                html += "<p><b>\(c.severity.rawValue)</b> \(referenceHTML(c.reference))<br>\(esc(c.requirement))</p>"
                if let e = c.expected { html += "<p>Expected: <code>\(esc(e))</code></p>" }
                if let o = c.observed { html += "<p>Observed: <code>\(esc(o))</code></p>" }
                if let r = c.reason { html += "<p>Reason: \(esc(r))</p>" }
                if let curl = c.curl, c.verdict == .fail || c.verdict == .nonStrict {
                    html += "<p>Reproduce:</p><pre>\(esc(curl))</pre>"
                }
                for exchange in c.wire { html += "<pre>\(esc(wireText(exchange)))</pre>" }
                html += "</details>\n"
            }
        }
        html += """
            <script>
            function applyFilters(){
              const on=[...document.querySelectorAll('[data-verdict][type=checkbox]')].filter(b=>b.checked).map(b=>b.dataset.verdict);
              const q=document.getElementById('search').value;
              document.querySelectorAll('#matrix tbody tr').forEach(tr=>{
                const vs=tr.dataset.verdicts.split(' ');
                tr.style.display=(vs.some(v=>on.includes(v))&&tr.dataset.id.includes(q))?'':'none';});
              document.querySelectorAll('details.case').forEach(d=>{
                d.style.display=on.includes(d.dataset.verdict)?'':'none';});
            }
            </script></body></html>
            """
        return html
    }

    static func anchor(_ id: String) -> String { "case-" + id.replacingOccurrences(of: "/", with: "-") }

    /// A case's spec reference with its address as a link, so the reader opens the rule in one click.
    static func referenceHTML(_ reference: String) -> String {
        let esc = JUnitReport.escape
        let parts = reference.split(separator: " ", maxSplits: 1).map(String.init)
        guard let address = parts.first, address.hasPrefix("https://") else { return esc(reference) }
        let rest = parts.count > 1 ? " " + esc(parts[1]) : ""
        return "<a href=\"\(esc(address))\" rel=\"noreferrer\">\(esc(address))</a>\(rest)"
    }

    /// The exchange as HTTP/1.1 text (request, then response), the way a wire log reads.
    public static func wireText(_ exchange: WireExchange) -> String {
        var text = "> \(exchange.request.method) \(exchange.request.url)\n"
        for h in exchange.request.headers { text += "> \(h.name): \(h.value)\n" }
        if let body = exchange.request.body { text += ">\n> \(body.prefix(4000))\n" }
        if let response = exchange.response {
            text += "< \(response.status) \(response.reason)\n"
            for h in response.headers { text += "< \(h.name): \(h.value)\n" }
            text += "<\n< \(response.body.prefix(4000))\n"
        }
        if let error = exchange.error { text += "! \(error)\n" }
        return text + String(format: "(%.1f ms)", exchange.durationMs)
    }
}
