import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import ParleyConformance

/// Runs the mirotalk profile against in-process targets that each break one rule and checks that exactly the
/// cases about that rule leave their reference verdict (to FAIL for MUST, NON-STRICT for SHOULD).
@Suite("faulty targets turn exactly their cases", .serialized)
struct FaultyTargetTests {
    static func run(_ fault: Fault, _ switches: Switches) async throws -> RunReport {
        // The live cases need Parley's room WebSocket, which this fake does not speak; test_conform_parley.py's
        // fault proxy turns them red against the real server.
        let cases = try Selection.select(
            try catalogue(), profiles: ["mirotalk"], include: [], exclude: ["mirotalk/live"])
        return try await FaultyMiroTalk(fault: fault, switches: switches).withServer { url in
            await Runner(
                options: RunOptions(target: url, apiKey: FaultyMiroTalk.apiKey, jwtSecret: FaultyMiroTalk.jwtSecret)
            )
            .run(cases)
        }
    }

    static func verdicts(_ report: RunReport) -> [String: Verdict] {
        Dictionary(uniqueKeysWithValues: report.cases.map { ($0.id, $0.verdict) })
    }

    /// Rule broken → the cases that must notice it (with everything on, unless the fault is about disabled routes).
    static let expectations: [(Fault, Switches, Set<String>)] = {
        let keyed = ["stats", "meetings", "meeting", "meeting-end", "join", "token"]
        let auth = { (slug: String) in Set(keyed.map { "mirotalk/\($0)/\(slug)" }) }
        return [
            (
                .unauthorizedAs401, .allOn,
                auth("auth-missing-key").union(auth("auth-wrong-key")).union(auth("auth-bearer-prefix"))
                    .union(auth("auth-key-wrong-case")).union(["mirotalk/auth/near-miss-keys"])
            ),
            (.authBypass, .allOn, auth("auth-missing-key")),
            (.bearerAccepted, .allOn, auth("auth-bearer-prefix")),
            (.headerNameCaseSensitive, .allOn, auth("auth-header-name-case")),
            (.keyCaseInsensitive, .allOn, auth("auth-key-wrong-case")),
            (
                .statsTotalPeers, .allOn,
                ["mirotalk/stats/ok-schema", "mirotalk/stats/total-users-field", "mirotalk/stats/key-order"]
            ),
            (.statsRoomsAsString, .allOn, ["mirotalk/stats/ok-schema", "mirotalk/stats/total-users-field"]),
            (.statsKeyOrder, .allOn, ["mirotalk/stats/key-order"]),
            (.timestampWithoutMillis, .allOn, ["mirotalk/stats/ok-schema", "mirotalk/stats/timestamp-iso8601-ms"]),
            // Every case comparing a whole join URL sees the order (§1.7), and so does ok-schema: the JoinResponse
            // pattern in spec/mirotalk-v1.yaml pins `/join?room=` (room first).
            (
                .joinReordered, .allOn,
                [
                    "mirotalk/join/url-oracle", "mirotalk/join/parameter-order", "mirotalk/join/defaults",
                    "mirotalk/join/with-token", "mirotalk/join/ok-schema", "mirotalk/join/urlencoded-body",
                    "mirotalk/join/falsy-values-take-defaults",
                ]
            ),
            // Likewise every whole-URL case whose name holds a space (John Doe, Form User).
            (
                .joinNamePlusEncoded, .allOn,
                [
                    "mirotalk/join/url-oracle", "mirotalk/join/name-avatar-encoding",
                    "mirotalk/join/urlencoded-body",
                ]
            ),
            (.joinIgnoresFormBody, .allOn, ["mirotalk/join/urlencoded-body"]),
            (.joinEmptyStringKept, .allOn, ["mirotalk/join/falsy-values-take-defaults"]),
            (
                .tokenAlgNone, .allOn,
                [
                    "mirotalk/token/jwt-header-hs256", "mirotalk/token/signature-valid", "mirotalk/join/with-token",
                    "mirotalk/token/wrong-secret-fails", "mirotalk/join/embedded-token-payload",
                ]
            ),
            (
                .tokenWrongSecret, .allOn,
                [
                    "mirotalk/token/signature-valid", "mirotalk/token/payload-decrypts",
                    "mirotalk/token/presenter-default-false", "mirotalk/join/with-token",
                    "mirotalk/token/wrong-secret-fails", "mirotalk/token/presenter-string-false",
                    "mirotalk/token/presenter-bool-true", "mirotalk/join/embedded-token-payload",
                ]
            ),
            (
                .tokenPresenterBool, .allOn,
                [
                    "mirotalk/token/payload-decrypts", "mirotalk/token/presenter-default-false",
                    "mirotalk/token/presenter-string-false", "mirotalk/token/presenter-bool-true",
                    "mirotalk/join/embedded-token-payload",
                ]
            ),
            (
                .tokenExpireIgnored, .allOn,
                [
                    "mirotalk/token/expire-honoured", "mirotalk/token/expire-number-and-digit-string",
                    "mirotalk/token/expire-1d", "mirotalk/token/expire-7-days", "mirotalk/token/expire-90m",
                    "mirotalk/token/expire-30s", "mirotalk/join/embedded-token-payload",
                ]
            ),
            (.tokenExpireDigitsAsSeconds, .allOn, ["mirotalk/token/expire-number-and-digit-string"]),
            (
                .tokenPlainData, .allOn,
                [
                    "mirotalk/token/data-salted-format", "mirotalk/token/payload-decrypts",
                    "mirotalk/token/presenter-default-false", "mirotalk/join/with-token",
                    "mirotalk/token/presenter-string-false", "mirotalk/token/presenter-bool-true",
                    "mirotalk/join/embedded-token-payload",
                ]
            ),
            (.tokenClaimsOrder, .allOn, ["mirotalk/token/claims"]),
            (.tokenIatStale, .allOn, ["mirotalk/token/iat-is-now"]),
            (.activeRoomsUnlimited, .allOn, ["mirotalk/rate-limit/active-rooms-429"]),
            (.meetingHTTPScheme, .allOn, ["mirotalk/meeting/url-shape", "mirotalk/meeting/ok-schema"]),
            (.meetingFixedID, .allOn, ["mirotalk/meeting/fresh-uuid"]),
            (.noAllowOrigin, .allOn, ["mirotalk/cors/allow-origin"]),
            (
                .preflightWithoutAuthorization, .allOn,
                ["mirotalk/cors/preflight", "mirotalk/cors/preflight-every-route"]
            ),
            (.notFoundBodyWithoutSuccess, .allOn, ["mirotalk/meeting-end/unknown-room-404"]),
            (.malformedJSONAs500, .allOn, ["mirotalk/http/malformed-json-400"]),
            (.malformedJSONPlainText, .allOn, ["mirotalk/http/malformed-json-body"]),
            (.activeRoomsNeedsKey, .allOn, ["mirotalk/active-rooms/public-without-key"]),
            (
                .contentTypeText, .allOn,
                [
                    "mirotalk/stats/ok-schema", "mirotalk/meetings/ok-schema", "mirotalk/meeting/ok-schema",
                    "mirotalk/join/ok-schema", "mirotalk/token/ok-schema",
                ]
            ),
            (
                .disabledAs404, .allOff,
                Set(keyed.map { "mirotalk/\($0)/disabled-body" }).union(["mirotalk/active-rooms/disabled-body"])
            ),
        ]
    }()

    @Test("the reference target passes every MUST and SHOULD case with all switches on, and with all off")
    func referenceIsClean() async throws {
        for switches in [Switches.allOn, .allOff] {
            let report = try await Self.run(.none, switches)
            let bad = report.cases.filter { [.fail, .nonStrict, .broken].contains($0.verdict) }
            #expect(
                bad.isEmpty,
                "\(bad.map { "\($0.id) \($0.verdict.rawValue): \($0.expected ?? "") / \($0.observed ?? $0.reason ?? "")" })"
            )
            #expect(report.exitCode == 0)
        }
    }

    @Test("each faulty target turns exactly the cases checking its rule, and together they turn every MUST/SHOULD case")
    func faultsTurnExactlyTheirCases() async throws {
        // One reference run per set of switches; a fault is judged against the reference with its switches.
        let switchesOf = Dictionary(uniqueKeysWithValues: Self.expectations.map { ($0.0, $0.1) })
        let referenceRuns = try await FaultRuns.reports(Array(Set(switchesOf.values))) { try await Self.run(.none, $0) }
        let reference = { (fault: Fault) in referenceRuns[switchesOf[fault] ?? .allOn].map(Self.verdicts) ?? [:] }
        let judged = try catalogue().filter {
            $0.profile == "mirotalk" && $0.severity != .info && !$0.id.hasPrefix("mirotalk/live/")
        }.map(\.id)
        let reports = try await FaultRuns.expectEachTurnsExactly(
            Self.expectations.map { ($0.0, $0.2) }, judged: judged, reference: reference
        ) { fault in try await Self.run(fault, switchesOf[fault] ?? .allOn) }
        for (fault, _, _) in Self.expectations {
            guard let report = reports[fault] else { continue }
            // A broken MUST exits 1; a fault that only breaks SHOULD cases leaves NON-STRICT, which exits 0
            // unless --strict.
            let breaksMust = FaultRuns.turned(report, from: reference(fault)).contains { $0.severity == .must }
            #expect(report.exitCode == (breaksMust ? 1 : 0), "\(fault) exit code")
            if !breaksMust {
                var strictReport = report
                strictReport.strict = true
                #expect(strictReport.exitCode == 1, "\(fault) exit code under --strict")
            }
        }
    }

    @Test("the JUnit report has as many test cases, failures and skips as the JSON report")
    func junitMatchesJSON() async throws {
        let report = try await Self.run(.statsKeyOrder, Switches.mirotalkDefaults)
        let json = try RunReport.decode(try report.jsonData())
        let xml = JUnitReport.render(json)
        let document = try XMLDocument(xmlString: xml)
        let testcases = try document.nodes(forXPath: "//testcase").count
        let failures = try document.nodes(forXPath: "//testcase/failure").count
        let skips = try document.nodes(forXPath: "//testcase/skipped").count
        #expect(testcases == json.cases.count)
        #expect(failures == json.cases.filter { $0.verdict == .fail }.count)
        #expect(skips == json.cases.filter { $0.verdict == .skip }.count)
        #expect(skips > 0)
        let html = HTMLReport.render([json])
        #expect(html.contains("id=\"matrix\"") && !html.contains("<script src") && !html.contains("<link"))
        // Upstream references are links; the escaped text of a reference is never left half-linked.
        #expect(html.contains("<a href=\"https://github.com/miroslavpejic85/mirotalksfu/blob/"))
        #expect(HTMLReport.referenceHTML("spec/mirotalk-v1.yaml#getStats 200") == "spec/mirotalk-v1.yaml#getStats 200")
        #expect(
            HTMLReport.referenceHTML("https://www.rfc-editor.org/rfc/rfc9110#section-5.1 a<b")
                == "<a href=\"https://www.rfc-editor.org/rfc/rfc9110#section-5.1\" rel=\"noreferrer\">https://www.rfc-editor.org/rfc/rfc9110#section-5.1</a> a&lt;b"
        )
    }
}

@Suite("run-level failures")
struct RunFailureTests {
    @Test("an unreachable target gives BROKEN for every case and exit code 2, and the reports are still written")
    func unreachable() async throws {
        // Bind then close a port so nothing listens on it.
        let url = try await FaultyMiroTalk(fault: .none, switches: .allOn).withServer { $0 }
        let cases = try Selection.select(
            try catalogue(), profiles: ["mirotalk"], include: ["mirotalk/stats"], exclude: [])
        let report = await Runner(options: RunOptions(target: url, apiKey: "k")).run(cases)
        #expect(!report.cases.isEmpty && report.cases.allSatisfy { $0.verdict == .broken })
        #expect(report.exitCode == 2)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString)")
        for kind in ["json", "junit", "html"] {
            let destination = try #require(ReportDestination(argument: "\(kind):\(directory.path)/report.\(kind)"))
            try destination.write(report)
            #expect(FileManager.default.fileExists(atPath: destination.path))
        }
        try? FileManager.default.removeItem(at: directory)
    }

    @Test("BROKEN wins over FAIL for the exit code, and --strict counts NON-STRICT")
    func exitCodes() {
        func result(_ verdict: Verdict) -> CaseResult {
            CaseResult(
                id: "x/y/\(verdict.rawValue.lowercased())", title: "", profile: "x", severity: .must, reference: "r",
                requirement: "q", verdict: verdict, durationMs: 0, attempts: 1, expected: nil, observed: nil,
                reason: nil, wire: [])
        }
        func code(_ verdicts: [Verdict], strict: Bool = false) -> Int32 {
            RunReport(
                target: "t", profiles: [], strict: strict, startedAt: Date(), durationMs: 0, runError: nil,
                cases: verdicts.map(result)
            ).exitCode
        }
        #expect(code([.pass, .info, .skip, .flaky]) == 0)
        #expect(code([.pass, .fail]) == 1)
        #expect(code([.fail, .broken]) == 2)
        #expect(code([.nonStrict]) == 0)
        #expect(code([.nonStrict], strict: true) == 1)
    }
}
