import ArgumentParser
import Foundation
import ParleyConformance

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Replay a pcap/pcapng capture into a target: RTP streams via WHIP/WHEP, HTTP/1.1 and WebSocket exchanges re-sent and diffed.",
        discussion:
            "Streams come from the manifest beside the capture (CAPTURE with .json) or from heuristics on plain RTP/UDP; without --target only the discovery report is printed. Exit codes as `run`: 0 = every stream forwarded whole and in order; 1 = a FAIL; 2 = the runner could not do its job (unreadable capture, nothing to replay, a session refused)."
    )

    @Argument(help: "The capture (pcap or pcapng).") var capture: String
    @Option(name: .long, help: "Base URL of the server under test; omit to print the discovery report only.")
    var target: String?
    @Option(name: .long, help: "Stream path to publish and play (default conform/replay-<random>).")
    var streamPath: String?
    @Option(name: .long, help: "Timing factor: 1 = as recorded, 2 = twice as fast.") var speed: Double = 1
    @Option(name: .long, help: "Mask rules for the HTTP/WebSocket replay (docs/replay.md).") var mask: String?
    @Option(name: .long, help: "Copies of the capture replayed at once, each on its own stream path.")
    var parallel: Int = 1
    @Option(
        name: .long,
        help:
            "[AES_CM_128_HMAC_SHA1_80:|AEAD_AES_128_GCM:]BASE64 master key+salt (SDES inline) for SRTP captures (repeatable)."
    )
    var srtpKey: [String] = []
    @Option(name: .long, help: "Token sent as Authorization: Bearer (e.g. a Monibuca JWT).") var bearer: String?
    @Option(name: .long, help: "webrtc:publish:KEY / webrtc:subscribe:KEY signs the URLs (repeatable).")
    var streamKey: [String] = []
    @Option(name: .long, help: "WHIP path template with {path} (default /webrtc/whip/{path}).") var whipPath: String?
    @Option(name: .long, help: "WHEP path template with {path} (default /webrtc/whep/{path}).") var whepPath: String?
    @Option(name: .long, help: "Multiply every timeout by this factor.") var timeoutScale: Double = 1
    @Flag(name: .long, help: "Accept any TLS certificate.") var insecure = false
    @Option(name: .long, help: "json:PATH, junit:PATH or html:PATH (repeatable); rtp-json:PATH for the RTP numbers.")
    var report: [String] = []

    func run() async throws {
        guard speed > 0, speed <= 100 else { fail("--speed must be > 0 and at most 100") }
        guard (1...200).contains(parallel) else { fail("--parallel must be 1-200") }
        guard timeoutScale > 0 else { fail("--timeout-scale must be > 0") }
        var rtpJSON: [String] = []
        var destinations: [ReportDestination] = []
        for entry in report {
            if entry.hasPrefix("rtp-json:"), entry.count > 9 {
                rtpJSON.append(String(entry.dropFirst(9)))
            } else if let destination = ReportDestination(argument: entry) {
                destinations.append(destination)
            } else {
                fail("bad --report \(entry) (use json:PATH, junit:PATH, html:PATH or rtp-json:PATH)")
            }
        }
        for template in [whipPath, whepPath].compactMap({ $0 }) where !template.contains("{path}") {
            fail("path template \(template) has no {path}")
        }
        let startedAt = Date()
        let input: ReplayCapture
        let keys: [SRTPCaptureKey]
        do { keys = try srtpKey.map { try SRTPCaptureKey(argument: $0) } } catch { fail("\(error)") }
        do { input = try ReplayCapture.load(path: capture, srtpKeys: keys) } catch { fail("\(error)") }
        for note in input.discovery.notes { print("discovery: \(note)") }

        // HTTP/WS path: the capture's TCP holds HTTP/1.1 exchanges to replay (docs/replay.md "HTTP and WebSocket").
        let hasTCP = HTTPReplay.capturesTCP(input.records)
        let httpExchanges = hasTCP ? HTTPReplay.discover(records: input.records) : []
        for note in httpExchanges { print("discovery: \(note)") }
        guard let target else {
            print("no --target: discovery only")
            throw ExitCode(input.discovery.streams.isEmpty && httpExchanges.isEmpty ? 2 : 0)
        }
        let parsedTarget: Target
        do { parsedTarget = try Target(url: target) } catch { fail("\(error)") }
        var cases: [CaseResult] = []
        var runError: String?
        if hasTCP {
            cases += await HTTPReplay.run(
                records: input.records,
                options: HTTPReplayOptions(
                    target: target, insecure: insecure, timeoutScale: timeoutScale, maskPath: mask,
                    captureName: URL(fileURLWithPath: capture).lastPathComponent))
        }
        if input.discovery.streams.isEmpty {
            if !hasTCP { runError = "no RTP stream and no TCP connection to replay in \(capture)" }
        } else {
            let signaling = MediaSignaling(
                client: HTTPClient(target: parsedTarget, insecure: insecure, timeoutScale: timeoutScale),
                whipTemplate: whipPath, whepTemplate: whepPath, bearer: bearer, streamKeys: streamKey)
            var options = RTPReplayOptions(
                signaling: signaling, streamPath: streamPath ?? "conform/replay-\(UInt32.random(in: 0...UInt32.max))")
            options.speed = speed
            options.parallel = parallel
            options.timeoutScale = timeoutScale
            let result = await RTPReplayRun(options: options, streams: input.discovery.streams) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }.run()
            print(result.table, terminator: "")
            cases += result.cases(discoveryNotes: input.discovery.notes)
            runError = result.error
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            for path in rtpJSON {
                do { try encoder.encode(result).write(to: URL(fileURLWithPath: path)) } catch {
                    fail("cannot write \(path): \(error)")
                }
            }
        }
        let runReport = RunReport(
            target: target, profiles: ["replay"], strict: false, startedAt: startedAt,
            durationMs: Date().timeIntervalSince(startedAt) * 1000, runError: runError, cases: cases)
        print(ConsoleReporter.summary(runReport), terminator: "")
        for destination in destinations {
            do { try destination.write(runReport) } catch { fail("cannot write \(destination.path): \(error)") }
        }
        throw ExitCode(runReport.exitCode)
    }
}
