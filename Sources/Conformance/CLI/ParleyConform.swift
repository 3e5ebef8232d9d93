import ArgumentParser
import Foundation
import ParleyConformance

@main
struct ParleyConform: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-conform",
        abstract: "Conformance runner for MiroTalk, Monibuca and WHIP/WHEP servers (and Parley).",
        discussion:
            "Exit codes: 0 = no FAIL and no BROKEN; 1 = at least one FAIL (or NON-STRICT with --strict); 2 = the runner could not do its job (bad arguments, a pattern matching no case, unreachable target, any BROKEN).",
        version: ConformanceCatalogue.runnerVersion,
        subcommands: [Run.self, List.self, Latency.self, Replay.self])
}

struct SpecOption: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Directory holding mirotalk-v1.yaml and scenarios/ (default: $PARLEY_SPEC_DIR, ./spec, or next to the executable)."
    )
    var specDir: String?

    func loadCatalogue() throws -> [ConformanceCase] {
        guard let directory = ConformanceCatalogue.locateSpecDirectory(explicit: specDir) else {
            throw ValidationError("cannot find the spec/ directory; pass --spec-dir or set PARLEY_SPEC_DIR")
        }
        return try ConformanceCatalogue.all(specDirectory: directory)
    }
}

func splitProfiles(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }.filter {
        !$0.isEmpty
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("parley-conform: \(message)\n".utf8))
    exit(2)
}

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the cases: ID  SEVERITY  SPEC-REFERENCE  TITLE.")

    @Option(
        name: .long,
        help:
            "Profiles, comma-separated (mirotalk, meeting, room-ws, monibuca-v6, monibuca-v5, http, handshake; parley = every profile of an API Parley serves)."
    ) var profile: [String] = []
    @OptionGroup var spec: SpecOption

    func run() async throws {
        let all: [ConformanceCase]
        do { all = try spec.loadCatalogue() } catch { fail("\(error)") }
        let profiles = splitProfiles(profile)
        let cases = Selection.inProfiles(all, profiles)
        if cases.isEmpty { fail("no case in profile(s) \(profiles.joined(separator: ","))") }
        let idWidth = cases.map(\.id.count).max() ?? 0
        let refWidth = cases.map(\.reference.text.count).max() ?? 0
        // Columns are padded, never cut: the spec reference is the point of the listing.
        func column(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        for c in cases {
            print(
                "\(column(c.id, idWidth))  \(column(c.severity.rawValue, 6))  \(column(c.reference.text, refWidth))  \(c.title)"
            )
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the selected cases against a target.")

    @Option(name: .long, help: "Base URL of the server under test (not with --offline).") var target: String?
    @Flag(
        name: .long,
        help:
            "No target: run only the selected cases that check the runner itself against published vectors (the handshake profile's RFC 5769/3711/7714 tier)."
    )
    var offline = false
    @Option(
        name: .long,
        help: "Profiles, comma-separated (default mirotalk; parley = every profile of an API Parley serves).")
    var profile: [String] = []
    @Option(name: .customLong("case"), help: "Glob over case ids to include (repeatable).") var cases: [String] = []
    @Option(name: .long, help: "Glob over case ids to exclude (repeatable).") var exclude: [String] = []
    @Flag(name: .long, help: "Count NON-STRICT as FAIL for the exit code.") var strict = false
    @Option(name: .long, help: "Multiply every timeout by this factor.") var timeoutScale: Double = 1
    @Option(name: .long, help: "Retries for a failing case; a later pass is FLAKY.") var retries: Int = 0
    @Flag(name: .long, help: "Accept any TLS certificate.") var insecure = false
    @Option(name: .long, help: "MiroTalk API key (api.key_secret).") var apiKey: String?
    @Option(name: .long, help: "MiroTalk token secret (jwt.secret).") var jwtSecret: String?
    @Option(name: .long, help: "Monibuca JWT secret (auth.secret).") var authSecret: String?
    @Option(name: .long) var username: String?
    @Option(name: .long) var password: String?
    @Option(name: .long, help: "PLUGIN:TYPE:KEY (repeatable).") var streamKey: [String] = []
    @Option(name: .long, help: "Origin sent in CORS checks.") var origin: String = "https://conform.example"
    @Option(name: .long, help: "WHIP path template with {path} (default /webrtc/whip/{path}).") var whipPath: String?
    @Option(name: .long, help: "WHEP path template with {path} (default /webrtc/whep/{path}).") var whepPath: String?
    @Option(name: .long, help: "Bearer token for WHIP/WHEP offers (else one is minted from --auth-secret).")
    var bearer: String?
    @Flag(
        name: .customLong("room-ws"),
        help: "The target speaks Parley's room WebSocket: MiroTalk cases populate live rooms through it.")
    var roomWebSocket = false
    @Option(name: .long, help: "json:PATH, junit:PATH or html:PATH (repeatable).") var report: [String] = []
    @OptionGroup var spec: SpecOption

    func run() async throws {
        let destinations = report.map { ($0, ReportDestination(argument: $0)) }
        if let bad = destinations.first(where: { $0.1 == nil }) {
            fail("bad --report \(bad.0) (use json:PATH, junit:PATH or html:PATH)")
        }
        guard timeoutScale > 0, retries >= 0 else { fail("--timeout-scale must be > 0 and --retries >= 0") }
        if offline && target != nil { fail("--offline runs without a target; drop --target") }
        guard let target = target ?? (offline ? "http://offline.invalid" : nil) else {
            fail("--target is required (or --offline for the cases that need none)")
        }
        let all: [ConformanceCase]
        do { all = try spec.loadCatalogue() } catch { fail("\(error)") }
        let profiles = splitProfiles(profile.isEmpty ? ["mirotalk"] : profile)
        var options = RunOptions(
            target: target, profiles: profiles, casePatterns: cases, excludePatterns: exclude,
            strict: strict, timeoutScale: timeoutScale, retries: retries, insecure: insecure,
            apiKey: apiKey, jwtSecret: jwtSecret, authSecret: authSecret, username: username,
            password: password, streamKeys: streamKey, origin: origin, whipPath: whipPath, whepPath: whepPath,
            roomWebSocket: roomWebSocket)
        options.bearer = bearer
        options.offline = offline
        var runReport: RunReport
        do {
            var selected = try Selection.select(all, profiles: profiles, include: cases, exclude: exclude)
            if offline { selected = selected.filter { !$0.needsTarget } }
            if selected.isEmpty { throw Selection.NoMatch(patterns: profiles) }
            runReport = await Runner(options: options).run(selected, progress: ConsoleReporter())
        } catch {
            // Reports are written in every case, even when nothing could run.
            runReport = RunReport(
                target: target, profiles: profiles, strict: strict, startedAt: Date(), durationMs: 0,
                runError: "\(error)", cases: [])
            FileHandle.standardError.write(Data("parley-conform: \(error)\n".utf8))
        }
        print(ConsoleReporter.summary(runReport), terminator: "")
        for case let (_, destination?) in destinations {
            do { try destination.write(runReport) } catch { fail("cannot write \(destination.path): \(error)") }
        }
        throw ExitCode(runReport.exitCode)
    }
}
