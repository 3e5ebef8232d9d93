import Foundation
import Testing
@testable import ParleyConformance

/// The monibuca-v5 profile against a v5-style stand-in: per-case verdicts and no BROKEN; each broken v5 rule turns
/// exactly its cases.
@Suite("monibuca-v5 against a v5-style stand-in", .serialized)
struct MonibucaV5StandInTests {
    static func run(_ fault: MonibucaV5Fault) async throws -> RunReport {
        let cases = try Selection.select(try catalogue(), profiles: ["monibuca-v5"], include: [], exclude: [])
        return try await MonibucaV5StandIn(fault: fault).withServer { url in
            var options = MonibucaV5StandIn.options
            options.target = url
            options.timeoutScale = 3
            return await Runner(options: options).run(cases)
        }
    }

    static func ids(_ names: String...) -> Set<String> { Set(names.map { "monibuca-v5/\($0)" }) }

    static let expectations: [(MonibucaV5Fault, Set<String>)] = [
        (.loginWithoutCode, ids("login/data-token")),
        (.expiresAtMissing, ids("login/user-info")),
        (.ttlOneHour, ids("login/ttl-24h")),
        (.issuesHS384Label, ids("login/hs256-claims")),
        (.anyPasswordAccepted, ids("login/wrong-password-refused")),
        (.secretAsJSON, ids("secret/raw-text", "secret/value")),
        (.secretWithSeparator, ids("secret/value")),
        (.secretUnguarded, ids("secret/needs-token")),
        (.noPrivateNetworkHeader, ids("cors/header-set")),
        (.wildcardOrigin, ids("cors/origin-echoed")),
        (.noOriginNoHeader, ids("cors/star-without-origin")),
        (.optionsReachHandler, ids("cors/options-200-empty")),
        (.expiryUnchecked, ids("webrtc/push-expired")),
        (.genericLengthMessage, ids("webrtc/push-wrong-length")),
        (.pushValueUnchecked, ids("webrtc/push-wrong-value")),
        (.playUnchecked, ids("webrtc/play-wrong-value")),
    ]

    @Test("the v5 stand-in passes every case: per-case verdicts, none BROKEN or SKIP")
    func standInIsClean() async throws {
        let report = try await Self.run(.none)
        let bad = report.cases.filter { $0.verdict != .pass }
        #expect(
            bad.isEmpty,
            "\(bad.map { "\($0.id) \($0.verdict.rawValue): \($0.expected ?? "") / \($0.observed ?? $0.reason ?? "")" })"
        )
        #expect(report.cases.count >= 15)
    }

    @Test("each fault turns exactly the cases checking its rule, and together they turn every case")
    func faultsTurnExactlyTheirCases() async throws {
        #expect(Set(Self.expectations.map(\.0)) == Set(MonibucaV5Fault.allCases).subtracting([.none]))
        let judged = try catalogue().filter { $0.profile == "monibuca-v5" && $0.severity != .info }.map(\.id)
        try await FaultRuns.expectEachTurnsExactly(Self.expectations, judged: judged) { try await Self.run($0) }
    }
}
