import Foundation

/// `parley-conform latency --report html:PATH`: one self-contained page (inline CSS and SVG, no script, nothing
/// fetched) with the summary, a latency histogram, latency over the window and the per-player table.
public enum LatencyHTMLReport {
    public static func render(_ report: LatencyReport) -> String {
        let esc = JUnitReport.escape
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        var html = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>parley-conform latency</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
            svg{background:#fafafa;border:1px solid #ddd;margin:.5em 0}.bad{color:#a00}
            </style></head><body>
            <h1>parley-conform latency</h1>
            """
        html += "<p>Target <code>\(esc(report.target))</code>, path <code>\(esc(report.streamPath))</code>, "
        html += "\(report.connected)/\(report.subscribers) players connected, \(f(report.durationS)) s window, "
        html += "\(report.sentInWindow) frames sent. Method: \(esc(report.method)). "
        html += "Runner CPU: \(String(format: "%.1f", report.runnerCPUPercent))% of one core.</p>\n"
        if let error = report.error { html += "<p class=\"bad\">Error: \(esc(error))</p>\n" }
        let o = report.overall
        html += "<table><tr><th></th><th>samples</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th>"
        html += "<th>loss %</th><th>dup</th><th>reord</th></tr>"
        html += "<tr><td>overall</td><td>\(o.samples)</td><td>\(f(o.p50Ms))</td><td>\(f(o.p95Ms))</td>"
        html += "<td>\(f(o.p99Ms))</td><td>\(f(o.maxMs))</td><td>\(f(report.lossPercent))</td>"
        html += "<td>\(report.duplicates)</td><td>\(report.reordered)</td></tr>"
        // Per frame: the server's forward cost (first copy) and its fan-out (first to last player).
        for (label, s) in report.fanOut.map({ [("first copy", $0.firstCopy), ("first to last player", $0.spread)] })
            ?? []
        {
            html += "<tr><td>\(label)</td><td>\(s.samples)</td><td>\(f(s.p50Ms))</td><td>\(f(s.p95Ms))</td>"
            html += "<td>\(f(s.p99Ms))</td><td>\(f(s.maxMs))</td><td></td><td></td><td></td></tr>"
        }
        html += "</table>\n"
        html += "<h2>Latency histogram</h2>\n"
        html += report.histogram.map(histogramSVG) ?? "<p>No samples.</p>\n"
        html += "<h2>Latency over the window</h2>\n"
        html += report.timeline.flatMap { $0.isEmpty ? nil : timelineSVG($0) } ?? "<p>No samples.</p>\n"
        html += "<h2>Players</h2>\n<table><tr><th>player</th><th>samples</th><th>p50</th><th>p95</th><th>p99</th>"
        html +=
            "<th>max</th><th>loss %</th><th>dup</th><th>reord</th><th>jitter</th><th>first</th><th>error</th></tr>\n"
        for p in report.players {
            html += "<tr><td>\(p.player)</td><td>\(p.latency.samples)</td><td>\(f(p.latency.p50Ms))</td>"
            html += "<td>\(f(p.latency.p95Ms))</td><td>\(f(p.latency.p99Ms))</td><td>\(f(p.latency.maxMs))</td>"
            html +=
                "<td>\(f(p.lossPercent))</td><td>\(p.duplicates)</td><td>\(p.reordered)</td><td>\(f(p.jitterMs))</td>"
            html += "<td>\(p.firstPacketMs.map(f) ?? "-")</td><td class=\"bad\">\(esc(p.error ?? ""))</td></tr>\n"
        }
        return html + "</table>\n</body></html>\n"
    }

    static let width = 720.0
    static let height = 240.0
    static let margin = (left: 56.0, right: 12.0, top: 12.0, bottom: 36.0)

    /// Bars per bin; x in ms, y in samples; the last bar is labelled as "and above" when it holds overflow.
    static func histogramSVG(_ histogram: LatencyHistogram) -> String {
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let peak = max(1, histogram.counts.max() ?? 1)
        let barWidth = plotWidth / Double(max(1, histogram.counts.count))
        var svg = svgOpen(label: "latency histogram")
        for (index, count) in histogram.counts.enumerated() {
            let barHeight = plotHeight * Double(count) / Double(peak)
            let x = margin.left + Double(index) * barWidth
            let y = margin.top + plotHeight - barHeight
            let from = Double(index) * histogram.binWidthMs
            let last = index == histogram.counts.count - 1 && histogram.overflow > 0
            let range = last ? "≥ \(number(from)) ms" : "\(number(from))–\(number(from + histogram.binWidthMs)) ms"
            svg += "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(max(barWidth - 1, 0.5)))\" "
            svg += "height=\"\(number(barHeight))\" fill=\"\(last ? "#c0504d" : "#4f81bd")\">"
            svg += "<title>\(range): \(count)</title></rect>\n"
        }
        let top = Double(histogram.counts.count) * histogram.binWidthMs
        svg += axes(xLabel: "one-way latency (ms)", yLabel: "samples", xMax: top, yMax: Double(peak))
        return svg + "</svg>\n"
    }

    /// p50 and p99 per slice as lines, max as dots; x is the send time in the window, y latency in ms.
    static func timelineSVG(_ points: [LatencyTimelinePoint]) -> String {
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let xMax = max(points.map(\.atMs).max() ?? 0, 1)
        let yMax = max(points.map(\.p99Ms).max() ?? 0, 0.001) * 1.2
        func x(_ ms: Double) -> Double { margin.left + plotWidth * ms / xMax }
        func y(_ ms: Double) -> Double { margin.top + plotHeight - plotHeight * min(ms, yMax) / yMax }
        var svg = svgOpen(label: "latency over time")
        for (series, color) in [(\LatencyTimelinePoint.p50Ms, "#4f81bd"), (\LatencyTimelinePoint.p99Ms, "#c0504d")] {
            let coordinates = points.map { "\(number(x($0.atMs))),\(number(y($0[keyPath: series])))" }
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" "
            svg += "points=\"\(coordinates.joined(separator: " "))\"/>\n"
        }
        for point in points {
            svg += "<circle cx=\"\(number(x(point.atMs)))\" cy=\"\(number(y(point.maxMs)))\" r=\"1.5\" fill=\"#888\">"
            svg += "<title>\(number(point.atMs)) ms: \(point.samples) samples, p50 \(number(point.p50Ms)), "
            svg += "p99 \(number(point.p99Ms)), max \(number(point.maxMs)) ms</title></circle>\n"
        }
        svg += axes(xLabel: "send time in the window (ms)", yLabel: "latency (ms)", xMax: xMax, yMax: yMax)
        svg += "<text x=\"\(number(width - 180))\" y=\"24\" font-size=\"11\" fill=\"#4f81bd\">p50</text>"
        svg += "<text x=\"\(number(width - 150))\" y=\"24\" font-size=\"11\" fill=\"#c0504d\">p99</text>"
        svg += "<text x=\"\(number(width - 120))\" y=\"24\" font-size=\"11\" fill=\"#888\">• max (capped)</text>\n"
        return svg + "</svg>\n"
    }

    static func svgOpen(label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\" "
            + "viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" aria-label=\"\(label)\">\n"
    }

    static func axes(xLabel: String, yLabel: String, xMax: Double, yMax: Double) -> String {
        let bottom = height - margin.bottom
        var svg = "<line x1=\"\(number(margin.left))\" y1=\"\(number(bottom))\" x2=\"\(number(width - margin.right))\" "
        svg += "y2=\"\(number(bottom))\" stroke=\"#333\"/>"
        svg += "<line x1=\"\(number(margin.left))\" y1=\"\(number(margin.top))\" x2=\"\(number(margin.left))\" "
        svg += "y2=\"\(number(bottom))\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(number(margin.left))\" y=\"\(number(bottom + 14))\" font-size=\"11\">0</text>"
        svg += "<text x=\"\(number(width - margin.right))\" y=\"\(number(bottom + 14))\" font-size=\"11\" "
        svg += "text-anchor=\"end\">\(number(xMax))</text>"
        svg += "<text x=\"\(number(margin.left + (width - margin.left - margin.right) / 2))\" "
        svg += "y=\"\(number(height - 6))\" font-size=\"11\" text-anchor=\"middle\">\(xLabel)</text>"
        svg += "<text x=\"\(number(margin.left - 4))\" y=\"\(number(margin.top + 10))\" font-size=\"11\" "
        svg += "text-anchor=\"end\">\(number(yMax))</text>"
        svg += "<text x=\"12\" y=\"\(number(margin.top + (bottom - margin.top) / 2))\" font-size=\"11\" "
        svg += "transform=\"rotate(-90 12 \(number(margin.top + (bottom - margin.top) / 2)))\" "
        svg += "text-anchor=\"middle\">\(yLabel)</text>\n"
        return svg
    }

    /// Up to three decimals, no trailing zeros: compact and locale-independent.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
