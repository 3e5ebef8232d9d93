import Foundation
import Testing
@testable import ParleyConformance

/// Runs the monibuca-v6 profile against in-process targets that each break one rule and checks that exactly the
/// cases about that rule leave their reference verdict.
@Suite("monibuca-v6: faulty targets turn exactly their cases", .serialized)
struct MonibucaFaultyTargetTests {
    static func run(_ fault: MonibucaFault) async throws -> RunReport {
        let cases = try Selection.select(try catalogue(), profiles: ["monibuca-v6"], include: [], exclude: [])
        return try await FaultyMonibuca(fault: fault).withServer { url in
            var options = FaultyMonibuca.options
            options.target = url
            options.timeoutScale = 3
            return await Runner(options: options).run(cases)
        }
    }

    static func ids(_ area: String, _ slugs: [String]) -> Set<String> {
        Set(slugs.map { "monibuca-v6/\(area)/\($0)" })
    }

    static let refusals = ids(
        "auth",
        [
            "missing-401", "empty-bearer-401", "garbage-401", "tampered-signature-401", "tampered-payload-401",
            "wrong-secret-401", "alg-none-401", "alg-mismatch-401", "expired-401", "not-yet-valid-401",
            "www-authenticate", "double-slash-guarded", "secret-guarded", "meeting-api-guarded",
        ])

    static func signature(_ endpoints: [String], _ slugs: [String]) -> Set<String> {
        Set(endpoints.flatMap { e in slugs.map { "monibuca-v6/stream-auth/\(e)-\($0)" } })
    }

    static let expectations: [(MonibucaFault, Set<String>)] = [
        (.notFoundAs200, ids("envelope", ["not-found-api", "not-found-nested"])),
        (.methodNotAllowedAs404, ids("envelope", ["method-not-allowed", "allow-header"])),
        (.allowMissing, ids("envelope", ["allow-header"])),
        (.badJSONAs500, ids("envelope", ["bad-json-400"])),
        (.oversizeAs500, ids("envelope", ["oversize-413"])),
        (.textPlainContentType, ids("envelope", ["content-type-json"])),
        (.successNoData, ids("envelope", ["success-shape"]).union(ids("streams", ["list-shape"]))),
        (.loginFlatOnly, ids("login", ["v5-shape", "expires-at-matches-exp"])),
        (.loginNestedOnly, ids("login", ["seed-shape"])),
        (.noAuthLoginAlias, ids("login", ["auth-login-alias"])),
        (.tokenWrongSubject, ids("login", ["jwt-claims"])),
        (
            .secretIgnored,
            ids("login", ["jwt-signature"]).union(ids("auth", ["minted-accepted", "new-token-near-expiry"]))
        ),
        (.expiresAtMillis, ids("login", ["expires-at-matches-exp"])),
        (.anyPasswordAccepted, ids("login", ["wrong-password-401"])),
        (.unknownUserAs404, ids("login", ["unknown-user-401"])),
        (.missingFieldsAs401, ids("login", ["missing-fields-400"])),
        (.issuesHS384Label, ids("login", ["jwt-hs256"])),
        (
            .missingTokenAccepted,
            ids(
                "auth",
                ["missing-401", "www-authenticate", "double-slash-guarded", "secret-guarded", "meeting-api-guarded"])
        ),
        (.unauthorizedAs403, refusals),
        (.noWWWAuthenticate, ids("auth", ["www-authenticate"])),
        (.emptyBearerPasses, ids("auth", ["empty-bearer-401"])),
        (.malformedTokenAs500, ids("auth", ["garbage-401"])),
        (.signatureUnchecked, ids("auth", ["tampered-signature-401", "tampered-payload-401", "wrong-secret-401"])),
        (.expiryUnchecked, ids("auth", ["expired-401"])),
        (.notBeforeUnchecked, ids("auth", ["not-yet-valid-401"])),
        (.algorithmUnchecked, ids("auth", ["alg-mismatch-401"])),
        (.algNoneAccepted, ids("auth", ["alg-none-401"])),
        (.rawTokenRefused, ids("auth", ["raw-token-accepted"])),
        (.schemeCaseSensitive, ids("auth", ["scheme-case-insensitive"])),
        (.noNewToken, ids("auth", ["new-token-near-expiry"])),
        (.newTokenAlways, ids("auth", ["no-new-token-when-fresh"])),
        (.excludeIgnored, ids("auth", ["exclude-flv", "exclude-hls"])),
        (.doubleSlashBypass, ids("auth", ["double-slash-guarded"])),
        (.secretUnguarded, ids("auth", ["secret-guarded"])),
        (.meetingUnguarded, ids("auth", ["meeting-api-guarded"])),
        (
            .secretWithSeparator,
            ids("secret", ["publish-value", "subscribe-value", "expire-verbatim", "plugin-parameter"])
        ),
        (.subscribeSignedWithPublishKey, ids("secret", ["subscribe-value"])),
        (.defaultExpireOneDay, ids("secret", ["default-expire"])),
        (.expireParameterIgnored, ids("secret", ["expire-verbatim", "bad-expire-400"])),
        (.pluginParameterIgnored, ids("secret", ["plugin-parameter"])),
        (.encodedPathKept, ids("secret", ["encoded-path"])),
        (.badTypeAccepted, ids("secret", ["bad-type-400"])),
        (.badExpireAccepted, ids("secret", ["bad-expire-400"])),
        (.secretWithoutPlugin, ids("secret", ["shape", "plugin-parameter"])),
        (
            .streamAuthOff,
            signature(["whip", "whep"], ["missing", "expired", "wrong-length", "wrong-value"])
                .union(ids("stream-auth", ["push-alias-missing"]))
        ),
        (.streamExpiryUnchecked, signature(["whip", "whep"], ["expired"])),
        (.secretPrefixCompare, signature(["whip", "whep"], ["wrong-length"])),
        (.secretValueUnchecked, signature(["whip", "whep"], ["wrong-value"])),
        (.whepUnchecked, signature(["whep"], ["missing", "expired", "wrong-length", "wrong-value"])),
        (.whepSignedWithPublishKey, signature(["whep"], ["valid-passes"])),
        (.emptyOfferAs500, signature(["whip"], ["valid-passes"])),
        (.pushAliasUnchecked, ids("stream-auth", ["push-alias-missing"])),
        (
            .unbuiltAs404,
            Set(
                MonibucaV6Suite.pluginPrefixes.map {
                    "monibuca-v6/modules/\($0.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "_", with: "-"))-served-or-501"
                })
        ),
        (.streamsTotalString, ids("streams", ["list-shape"])),
        (.streamItemWithoutPath, ids("streams", ["item-fields"])),
        (.unknownStreamAs200, ids("streams", ["unknown-404"])),
    ]

    @Test("the reference target passes every case, none skipped")
    func referenceIsClean() async throws {
        let report = try await Self.run(.none)
        let bad = report.cases.filter { $0.verdict != .pass }
        #expect(
            bad.isEmpty,
            "\(bad.map { "\($0.id) \($0.verdict.rawValue): \($0.expected ?? "") / \($0.observed ?? $0.reason ?? "")" })"
        )
        #expect(report.cases.count >= 70)
    }

    @Test("each fault turns exactly the cases checking its rule, and together they turn every case")
    func faultsTurnExactlyTheirCases() async throws {
        let covered = Set(MonibucaFault.allCases).subtracting([.none])
        #expect(Set(Self.expectations.map(\.0)) == covered, "every fault has an expectation")
        let judged = try catalogue().filter { $0.profile == "monibuca-v6" && $0.severity != .info }.map(\.id)
        try await FaultRuns.expectEachTurnsExactly(Self.expectations, judged: judged) { try await Self.run($0) }
    }

    @Test("without credentials every case that needs one skips with the option it needs")
    func skipsNameTheMissingOption() async throws {
        let cases = try Selection.select(try catalogue(), profiles: ["monibuca-v6"], include: [], exclude: [])
        let report = try await FaultyMonibuca(fault: .none).withServer { url in
            await Runner(options: RunOptions(target: url, profiles: ["monibuca-v6"])).run(cases)
        }
        #expect(report.cases.allSatisfy { $0.verdict != .fail && $0.verdict != .broken })
        for c in report.cases where c.verdict == .skip {
            #expect(
                c.reason?.contains("--") == true || c.reason?.contains("no token") == true, "\(c.id): \(c.reason ?? "")"
            )
        }
    }

    @Test("the runner's stream signature is md5(key + streamPath + expire) in lower-case hex (RFC 1321 A.5 vector)")
    func signatureVector() {
        #expect(MonibucaV6Suite.signature(key: "a", streamPath: "b", expire: "c") == "900150983cd24fb0d6963f7d28e17f72")
    }
}
