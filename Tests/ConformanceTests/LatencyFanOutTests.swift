import Testing

@testable import ParleyConformance

@Suite("latency fan-out breakdown")
struct LatencyFanOutTests {
    @Test("per frame: the first copy's latency and the spread to the last player; single-copy frames are left out")
    func firstCopyAndSpread() throws {
        // Frame 0 reaches three players at 100, 400 and 1100 µs; frame 1 at 200 and 300 µs; frame 2 only one.
        let players: [([UInt32], [Int32])] = [
            ([100, 200, 50], [0, 1, 2]),
            ([400, 300], [0, 1]),
            ([1_100], [0]),
        ]
        let fanOut = try #require(LatencyFanOut(players))
        #expect(fanOut.firstCopy.samples == 2)
        #expect(fanOut.firstCopy.p50Ms == 0.1 && fanOut.firstCopy.maxMs == 0.2)
        #expect(fanOut.spread.samples == 2)
        #expect(fanOut.spread.p50Ms == 0.1 && fanOut.spread.maxMs == 1.0)
        #expect(LatencyFanOut([([5], [0])]) == nil)
        var report = LatencyReport(
            target: "http://127.0.0.1:1", streamPath: "p", method: "test", subscribers: 3, connected: 3,
            durationS: 1, sentInWindow: 3, overall: LatencySummary(microseconds: [100]), lost: 0, lossPercent: 0,
            duplicates: 0, reordered: 0, runnerCPUPercent: 1, error: nil, players: [])
        report.fanOut = fanOut
        #expect(report.table.contains("first copy p50 0.100 p99 0.200; first to last player p50 0.100 p99 1.000"))
        let html = LatencyHTMLReport.render(report)
        #expect(html.contains("<tr><td>first copy</td><td>2</td><td>0.100</td>"))
        #expect(html.contains("<tr><td>first to last player</td><td>2</td><td>0.100</td>"))
    }
}
