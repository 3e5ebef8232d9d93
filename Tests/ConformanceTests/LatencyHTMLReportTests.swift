import Foundation
import Testing

@testable import ParleyConformance

/// The latency report's charts: binning, slicing, and the inline SVG they render to.
@Suite("latency HTML report")
struct LatencyHTMLReportTests {
    /// 2 players × 500 frames of 20 ms, latency 0.4 ms rising to 2.4 ms over the window, plus one 50 ms outlier.
    func report() -> LatencyReport {
        var players: [([UInt32], [Int32])] = []
        for player in 0..<2 {
            let frames = (0..<500).map { Int32($0) }
            var samples = frames.map { UInt32(400 + Int($0) * 4 + player * 10) }
            if player == 1 { samples[250] = 50_000 }
            players.append((samples, frames))
        }
        let all = players.flatMap(\.0)
        var report = LatencyReport(
            target: "http://127.0.0.1:1", streamPath: "a<b", method: "test", subscribers: 2, connected: 2,
            durationS: 10, sentInWindow: 500, overall: LatencySummary(microseconds: all), lost: 0, lossPercent: 0,
            duplicates: 0, reordered: 0, runnerCPUPercent: 12.5, error: nil, players: [])
        report.histogram = LatencyHistogram(microseconds: all)
        report.timeline = LatencyTimelinePoint.series(players) { Double($0) * 20 }
        return report
    }

    @Test("the histogram holds every sample once, in round bins up to above p99, the tail in the last bin")
    func histogram() throws {
        let histogram = try #require(report().histogram)
        #expect(histogram.counts.reduce(0, +) == 1_000)
        #expect(histogram.counts.count == LatencyHistogram.binCount)
        #expect(histogram.overflow == 1)
        #expect(
            [1.0, 2.0, 5.0].contains {
                abs(histogram.binWidthMs / pow(10, floor(log10(histogram.binWidthMs))) - $0) < 1e-9
            })
        #expect(histogram.binWidthMs * Double(histogram.counts.count) >= 2.4)
        #expect(LatencyHistogram(microseconds: []) == nil)
    }

    @Test("the timeline has one point per 250 ms slice, in order, with latency rising as the samples do")
    func timeline() throws {
        let points = try #require(report().timeline)
        #expect(points.count == 40) // 500 frames × 20 ms / 250 ms
        #expect(points.map(\.atMs) == (0..<40).map { Double($0) * 250 })
        #expect(points.reduce(0) { $0 + $1.samples } == 1_000)
        #expect(points.first!.p50Ms < points.last!.p50Ms)
        #expect(points.contains { $0.maxMs == 50 })
    }

    @Test("the page has a histogram and a timeline as inline SVG, no script, escaped text, finite coordinates")
    func svg() throws {
        let report = report()
        let html = LatencyHTMLReport.render(report)
        #expect(html.components(separatedBy: "<svg ").count - 1 == 2)
        #expect(html.components(separatedBy: "</svg>").count - 1 == 2)
        #expect(!html.contains("<script") && !html.contains("http://www.w3.org/2000/svg\" src"))
        #expect(!html.lowercased().contains("nan") && !html.contains("inf\""))
        #expect(html.contains("a&lt;b"))
        // One bar per bin, one dot per slice, two polylines with a point per slice each.
        #expect(html.components(separatedBy: "<rect ").count - 1 == LatencyHistogram.binCount)
        #expect(html.components(separatedBy: "<circle ").count - 1 == 40)
        let polylines = html.components(separatedBy: "<polyline ").dropFirst()
        #expect(polylines.count == 2)
        for line in polylines {
            let points = try #require(line.split(separator: "\"").dropFirst(7).first)
            let pairs = points.split(separator: " ")
            #expect(pairs.count == 40)
            for pair in pairs {
                let xy = pair.split(separator: ",").compactMap { Double($0) }
                #expect(xy.count == 2)
                #expect(
                    xy[0] >= 0 && xy[0] <= LatencyHTMLReport.width && xy[1] >= 0 && xy[1] <= LatencyHTMLReport.height)
            }
        }
        // Bars stay inside the plot and the tallest reaches its top.
        let heights = html.components(separatedBy: "height=\"").dropFirst(2).compactMap {
            Double($0.prefix { $0 != "\"" })
        }
        #expect(heights.allSatisfy { $0 >= 0 && $0 <= LatencyHTMLReport.height })
    }

    @Test("a run without samples renders without charts and says so")
    func empty() {
        var report = report()
        report.histogram = nil
        report.timeline = []
        let html = LatencyHTMLReport.render(report)
        #expect(!html.contains("<svg"))
        #expect(html.contains("No samples."))
    }
}
