import ArgumentParser
import Foundation
import ParleyConformance

struct Latency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish marked Opus over WHIP, play it N times over WHEP, and report one-way latency and loss.",
        discussion:
            "Exit codes: 0 = every player connected and received media; 1 = a player failed or received nothing; 2 = the runner could not measure (bad arguments, publisher refused, runner set-up)."
    )

    @Option(name: .long, help: "Base URL of the server under test.") var target: String
    @Option(name: .long, help: "Players (WHEP sessions), 1-1000.") var subscribers: Int = 1
    @Option(name: .long, help: "Measured window: 10s, 2m or seconds.") var duration: String = "10s"
    @Option(name: .long, help: "Seconds of media before the window starts.") var warmup: Double = 1
    @Option(name: .long, help: "Stream path to publish and play.") var streamPath: String?
    @Option(name: .long, help: "Token sent as Authorization: Bearer (e.g. a Monibuca JWT).") var bearer: String?
    @Option(name: .long, help: "webrtc:publish:KEY / webrtc:subscribe:KEY signs the URLs (repeatable).")
    var streamKey: [String] = []
    @Option(name: .long, help: "WHIP path template with {path} (default /webrtc/whip/{path}).") var whipPath: String?
    @Option(name: .long, help: "WHEP path template with {path} (default /webrtc/whep/{path}).") var whepPath: String?
    @Option(name: .long, help: "WHEP offers in flight at once.") var concurrency: Int = 8
    @Option(name: .long, help: "Also send VP8-shaped video at this rate (1000k, 2M or bits/s); default none.")
    var videoBitrate: String?
    @Option(name: .long, help: "Multiply every timeout by this factor.") var timeoutScale: Double = 1
    @Flag(name: .long, help: "Accept any TLS certificate.") var insecure = false
    @Option(name: .long, help: "json:PATH or html:PATH (histogram and timeline as inline SVG); repeatable.")
    var report: [String] = []

    func run() async throws {
        guard (1...1000).contains(subscribers) else { fail("--subscribers must be 1-1000") }
        guard let seconds = Self.seconds(duration), seconds > 0, seconds <= 3600 else {
            fail("--duration must be like 10s, 2m or 30 (at most 1 h)")
        }
        guard timeoutScale > 0, concurrency >= 1, warmup >= 0 else {
            fail("--timeout-scale must be > 0, --concurrency >= 1, --warmup >= 0")
        }
        let destinations = try report.map { entry -> (html: Bool, path: String) in
            guard entry.hasPrefix("json:") || entry.hasPrefix("html:"), entry.count > 5 else {
                throw ValidationError("bad --report \(entry) (latency writes json:PATH or html:PATH)")
            }
            return (entry.hasPrefix("html:"), String(entry.dropFirst(5)))
        }
        for template in [whipPath, whepPath].compactMap({ $0 }) where !template.contains("{path}") {
            fail("path template \(template) has no {path}")
        }
        let parsedTarget: Target
        do { parsedTarget = try Target(url: target) } catch { fail("\(error)") }
        let signaling = MediaSignaling(
            client: HTTPClient(target: parsedTarget, insecure: insecure, timeoutScale: timeoutScale),
            whipTemplate: whipPath, whepTemplate: whepPath, bearer: bearer, streamKeys: streamKey)
        var options = LatencyOptions(
            signaling: signaling, streamPath: streamPath ?? "conform/latency-\(UInt32.random(in: 0...UInt32.max))",
            subscribers: subscribers, duration: seconds)
        options.warmup = warmup
        options.concurrency = concurrency
        options.timeoutScale = timeoutScale
        if let videoBitrate {
            guard let bits = Self.bits(videoBitrate), (10_000...50_000_000).contains(bits) else {
                fail("--video-bitrate must be like 1000k or 2M (10k-50M)")
            }
            options.videoBitrate = bits
        }
        let result = await LatencyRun(options: options) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }.run()
        print(result.table, terminator: "")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        for (html, path) in destinations {
            do {
                let data = html ? Data(LatencyHTMLReport.render(result).utf8) : try encoder.encode(result)
                try data.write(to: URL(fileURLWithPath: path))
            } catch {
                fail("cannot write \(path): \(error)")
            }
        }
        throw ExitCode(result.exitCode)
    }

    /// "1000k", "2M" or plain bits per second.
    static func bits(_ text: String) -> Int? {
        let lower = text.lowercased()
        if lower.hasSuffix("k") { return Double(lower.dropLast()).map { Int($0 * 1_000) } }
        if lower.hasSuffix("m") { return Double(lower.dropLast()).map { Int($0 * 1_000_000) } }
        return Int(lower)
    }

    /// "10s", "2m", "500ms" or plain seconds.
    static func seconds(_ text: String) -> Double? {
        if text.hasSuffix("ms") { return Double(text.dropLast(2)).map { $0 / 1000 } }
        if text.hasSuffix("s") { return Double(text.dropLast()) }
        if text.hasSuffix("m") { return Double(text.dropLast()).map { $0 * 60 } }
        return Double(text)
    }
}
