import Foundation
import Testing
@testable import ParleyConformance

/// Runs the http profile against the Monibuca stand-in with one CORS or hygiene rule broken at a time.
@Suite("http: faulty targets turn exactly their cases", .serialized)
struct HTTPFaultyTargetTests {
    static func run(_ fault: HTTPFault) async throws -> RunReport {
        let cases = try Selection.select(try catalogue(), profiles: ["http"], include: [], exclude: [])
        return try await FaultyMonibuca(fault: .none, httpFault: fault).withServer { url in
            await Runner(
                options: RunOptions(
                    target: url, profiles: ["http"], timeoutScale: 3, origin: FaultyMonibuca.allowedOrigin)
            ).run(cases)
        }
    }

    static func ids(_ names: String...) -> Set<String> { Set(names.map { "http/\($0)" }) }

    static let expectations: [(HTTPFault, Set<String>)] = [
        (.corsOff, ids("cors/allowed-origin", "cors/error-answers-readable", "cors/preflight-get")),
        (.wildcardWithCredentials, ids("cors/no-wildcard-with-credentials")),
        (.noVary, ids("cors/vary-origin")),
        (.reflectAnyOrigin, ids("cors/foreign-origin-not-echoed")),
        (.corsOnlyOnSuccess, ids("cors/allowed-origin", "cors/error-answers-readable")),
        (.preflightNeedsToken, ids("cors/preflight-get", "cors/preflight-authorization-named")),
        (.allowHeadersStar, ids("cors/preflight-authorization-named", "cors/preflight-post-json")),
        (.preflightWithoutPOST, ids("cors/preflight-post-json")),
        (.badJSONAs500, ids("body/malformed-json")),
        (.arrayBodyAs500, ids("body/json-not-object")),
        (.deepNestingAs500, ids("body/deep-nesting")),
        (.oversizeAs500, ids("body/oversize")),
        (.textPlainAs500, ids("body/wrong-content-type")),
        (.noContentTypeAs500, ids("body/no-content-type")),
        (.invalidUTF8BodyAs500, ids("body/invalid-utf8")),
        (.unknownMethodAs500, ids("method/unknown")),
        (.plainOptionsAs500, ids("method/options-plain")),
        (.dotSegmentsServeFiles, ids("path/encoded-dot-segments")),
        (.nulAs500, ids("path/nul-byte")),
        (.badPercentLeaksTrace, ids("path/bad-percent")),
        (.invalidUTF8PathAs500, ids("path/invalid-utf8")),
        (.longPathAs500, ids("path/long")),
        (.oddQueryAs500, ids("path/query-oddities")),
        (.closeEveryResponse, ids("connection/keep-alive")),
        (.headAs405, ids("connection/head-no-body", "connection/pipelining")),
        (.chunkedRefused, ids("connection/chunked-body")),
        (.chunkedIgnored, ids("connection/chunked-body", "connection/chunked-malformed")),
    ]

    @Test("the reference target passes every http case")
    func referenceIsClean() async throws {
        let report = try await Self.run(.none)
        let bad = report.cases.filter { $0.verdict != .pass }
        #expect(
            bad.isEmpty,
            "\(bad.map { "\($0.id) \($0.verdict.rawValue): \($0.expected ?? "") / \($0.observed ?? $0.reason ?? "")" })"
        )
    }

    @Test("each fault turns exactly the cases checking its rule, and together they turn every case")
    func faultsTurnExactlyTheirCases() async throws {
        #expect(Set(Self.expectations.map(\.0)) == Set(HTTPFault.allCases).subtracting([.none]))
        let judged = try catalogue().filter { $0.profile == "http" && $0.severity != .info }.map(\.id)
        try await FaultRuns.expectEachTurnsExactly(Self.expectations, judged: judged) { try await Self.run($0) }
    }
}
