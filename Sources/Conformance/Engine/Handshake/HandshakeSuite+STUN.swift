import ParleyWire

/// Connectivity checks sent by hand to the address a WHIP answer announced (RFC 8445 §7.3, RFC 8489).
extension HandshakeSuite {
    static func stunCases() -> [ConformanceCase] {
        [
            ConformanceCase(
                id: "handshake/rfc8445-7.3/valid-check", title: "A correct connectivity check is answered with success",
                severity: .must, reference: .rfc(8445, "7.3.1.4", "successful response"),
                requirement:
                    "A check with USERNAME, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY (ice-pwd) and FINGERPRINT is answered with a Binding success whose MESSAGE-INTEGRITY uses the answerer's ice-pwd and whose XOR-MAPPED-ADDRESS is the check's source (RFC 8489 §14.2)."
            ) { context in
                try await withSTUN(context, "valid") { stun in
                    guard let reply = await stun.exchange(stun.check(), within: 3 * context.options.timeoutScale) else {
                        return .violated(expected: "a Binding success", observed: "no response within 3 s")
                    }
                    guard case .success(let mapped) = reply.kind else {
                        return .violated(expected: "a Binding success", observed: reply.summary)
                    }
                    guard mapped == stun.probe.local else {
                        return .violated(
                            expected: "XOR-MAPPED-ADDRESS \(stun.probe.local)",
                            observed: "\(mapped.map { "\($0)" } ?? "no mapped address")")
                    }
                    return .pass(observed: reply.summary)
                }
            },
            rejected(
                slug: "wrong-integrity", reference: .rfc(8489, "9.1.3", "short-term credential, request"),
                title: "A check whose MESSAGE-INTEGRITY uses a wrong password is not answered with success",
                requirement:
                    "RFC 8489 §9.1.3: a request whose MESSAGE-INTEGRITY does not verify MUST be rejected with 401; ICE agents may also drop it unanswered (RFC 8445 §7.3 hands checks to STUN processing). A success is never allowed.",
                accepted: [401]
            ) { stun in stun.check(password: "not-the-ice-pwd-of-this-session") },
            rejected(
                slug: "wrong-username", reference: .rfc(8489, "9.1.3", "short-term credential, request"),
                title: "A check naming another ufrag in USERNAME is not answered with success",
                requirement:
                    "RFC 8445 §7.3: USERNAME must be \"<answerer ufrag>:<offerer ufrag>\"; RFC 8489 §9.1.3: an unknown USERNAME MUST be rejected with 401 (or the check dropped). A success is never allowed.",
                accepted: [401]
            ) { stun in stun.check(username: "wrongufrag:\(stun.local.ufrag)") },
            rejected(
                slug: "missing-fingerprint", section: "rfc8445-7.2.2", reference: .rfc(8445, "7.2.2", "FINGERPRINT"),
                title: "A check without FINGERPRINT is not answered with success", severity: .should,
                requirement:
                    "RFC 8445 §7.2.2: connectivity checks MUST carry FINGERPRINT, which is what tells STUN from media on a shared port (RFC 7983); a check without it should be refused (400) or dropped.",
                accepted: [400]
            ) { stun in stun.check(fingerprint: false) },
            ConformanceCase(
                id: "handshake/rfc8445-7.3.1.1/role-conflict",
                title: "A check claiming the controlled role with the largest tie-breaker gets 487 Role Conflict",
                severity: .must, reference: .rfc(8445, "7.3.1.1", "role conflict"),
                requirement:
                    "The answerer of a WHIP/WHEP offer is controlled (an ICE-lite agent always is, RFC 8445 §6.1.1). A request with ICE-CONTROLLED whose tie-breaker is larger than the agent's gets a Binding error 487 (§7.3.1.1); tie-breaker 2^64-1 makes that the answer for any full agent too."
            ) { context in
                try await withSTUN(context, "role") { stun in
                    let request = stun.check(controlled: UInt64.max)
                    guard let reply = await stun.exchange(request, within: 3 * context.options.timeoutScale) else {
                        return .violated(expected: "Binding error 487", observed: "no response within 3 s")
                    }
                    if case .error(487, _) = reply.kind { return .pass(observed: reply.summary) }
                    return .violated(expected: "Binding error 487 (Role Conflict)", observed: reply.summary)
                }
            },
            ConformanceCase(
                id: "handshake/rfc7983-7/garbage-ignored",
                title: "Datagrams whose first byte is outside every RFC 7983 range are dropped; checks still work",
                severity: .must, reference: .rfc(7983, "7", "demultiplexing"),
                requirement:
                    "RFC 7983 §7: a packet whose first byte matches no known range (here 4, 15, 80, 127, 192, 255) MUST be dropped; the session goes on answering checks and never answers the garbage."
            ) { context in
                try await withSTUN(context, "garbage") { stun in
                    guard let first = await stun.exchange(stun.check(), within: 3 * context.options.timeoutScale),
                        first.isSuccess
                    else { throw CaseStop.broken("the target did not answer a correct check before the garbage") }
                    for lead: UInt8 in [4, 15, 80, 127, 192, 255] {
                        var datagram = [lead] + [UInt8](repeating: 0xA5, count: 47)
                        datagram[4...7] = [0x21, 0x12, 0xA4, 0x42] // a STUN cookie in the wrong place
                        stun.probe.send(datagram, to: stun.server)
                    }
                    try? await Task.sleep(nanoseconds: 300_000_000)
                    let answeredGarbage = stun.probe.takeAll()
                    guard let after = await stun.exchange(stun.check(), within: 3 * context.options.timeoutScale) else {
                        return .violated(
                            expected: "checks still answered after the garbage", observed: "no response within 3 s")
                    }
                    guard after.isSuccess else {
                        return .violated(expected: "a Binding success after the garbage", observed: after.summary)
                    }
                    if !answeredGarbage.isEmpty {
                        return .violated(
                            expected: "no reply to the garbage",
                            observed: "\(answeredGarbage.count) datagram(s) came back after the garbage")
                    }
                    return .pass(observed: "6 garbage datagrams drew no reply; the next check: \(after.summary)")
                }
            },
        ]
    }

    /// A check the target must not answer with success: `accepted` error codes and silence pass.
    static func rejected(
        slug: String, section: String = "rfc8489-9.1.3", reference: SpecReference, title: String,
        severity: Severity = .must, requirement: String, accepted: Set<Int>,
        request: @escaping @Sendable (STUNSession) -> [UInt8]
    ) -> ConformanceCase {
        ConformanceCase(
            id: "handshake/\(section)/\(slug)", title: title, severity: severity, reference: reference,
            requirement: requirement
        ) { context in
            try await withSTUN(context, slug) { stun in
                // The same session answers a correct check, so silence below means "dropped", not "unreachable".
                guard let control = await stun.exchange(stun.check(), within: 3 * context.options.timeoutScale),
                    control.isSuccess
                else { throw CaseStop.broken("the target did not answer a correct check on the same session") }
                let codes = accepted.sorted().map(String.init).joined(separator: "/")
                guard let reply = await stun.exchange(request(stun), within: 1.5 * context.options.timeoutScale) else {
                    return .pass(observed: "dropped without an answer (a correct check was answered)")
                }
                if case .error(let code, _) = reply.kind, accepted.contains(code) {
                    return .pass(observed: reply.summary)
                }
                return .violated(expected: "error \(codes) or no answer", observed: reply.summary)
            }
        }
    }

    static func withSTUN(
        _ context: CaseContext, _ slug: String, _ body: (STUNSession) async throws -> CaseOutcome
    ) async throws -> CaseOutcome {
        let stun = try await STUNSession.open(context, slug: slug)
        do {
            let outcome = try await body(stun)
            await stun.close()
            return outcome
        } catch {
            await stun.close()
            throw error
        }
    }
}
