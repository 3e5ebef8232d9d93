import ParleyWire

/// The offline tier: the runner's own checkers over published vectors, no target (`run --offline`). A runner whose
/// STUN or SRTP checks were wrong would misjudge every target, so these run first and need nothing but the runner.
extension HandshakeSuite {
    static func offlineCases() -> [ConformanceCase] {
        [
            offline(
                "rfc5769-2.1/request-vector", reference: .rfc(5769, "2.1", "sample request"),
                title: "The runner's check answering accepts RFC 5769 §2.1 and refuses it altered",
                requirement:
                    "The sample request (USERNAME evtj:h6vY, ICE-CONTROLLED, MESSAGE-INTEGRITY and FINGERPRINT under the RFC's password) is a valid check for the agent it names; one changed octet or another password makes it invalid."
            ) {
                let request = STUNVectors.request
                let agent = ICEControllingAgent(
                    local: ICEParameters(ufrag: "evtj", pwd: STUNVectors.password),
                    remote: ICEParameters(ufrag: "h6vY", pwd: "unused-remote-password-0"), remoteCandidates: [])
                let source = STUNAddress(ip: IPAddress("192.0.2.1")!, port: 32853)
                guard let answer = agent.answer(try STUNMessage.parse(request), from: source) else {
                    return "the RFC request was refused"
                }
                guard STUNReply.judge(answer, password: STUNVectors.password) == .success(mapped: source) else {
                    return "the runner's own answer does not verify"
                }
                var altered = request
                altered[45] ^= 0x01 // inside PRIORITY, covered by MESSAGE-INTEGRITY
                if let message = try? STUNMessage.parse(altered), agent.answer(message, from: source) != nil {
                    return "an altered request was answered"
                }
                let other = ICEControllingAgent(
                    local: ICEParameters(ufrag: "evtj", pwd: "VOkJxbRl1RmTxUk/WvJxBu"),
                    remote: ICEParameters(ufrag: "h6vY", pwd: "unused-remote-password-0"), remoteCandidates: [])
                if other.answer(try STUNMessage.parse(request), from: source) != nil {
                    return "the request was answered under another password"
                }
                return nil
            },
            offline(
                "rfc5769-2.2/ipv4-response-vector", reference: .rfc(5769, "2.2", "sample IPv4 response"),
                title: "The runner's response check accepts RFC 5769 §2.2 (192.0.2.1:32853) and refuses it altered",
                requirement:
                    "The sample IPv4 response verifies (MESSAGE-INTEGRITY, FINGERPRINT) and maps 192.0.2.1:32853; a changed octet or another password makes the runner ignore it."
            ) {
                try responseVector(STUNVectors.ipv4Response, mapped: "192.0.2.1", offset: 30)
            },
            offline(
                "rfc5769-2.3/ipv6-response-vector", reference: .rfc(5769, "2.3", "sample IPv6 response"),
                title: "The runner's response check accepts RFC 5769 §2.3 and refuses it altered",
                requirement:
                    "The sample IPv6 response verifies and maps [2001:db8:1234:5678:11:2233:4455:6677]:32853; a changed octet or another password makes the runner ignore it."
            ) {
                try responseVector(STUNVectors.ipv6Response, mapped: "2001:db8:1234:5678:11:2233:4455:6677", offset: 50)
            },
            offline(
                "rfc3711-b.3/aes-cm-vector", reference: .rfc(3711, "appendix-B.3", "key derivation test vectors"),
                title:
                    "The runner's SRTP (AES_CM_128_HMAC_SHA1_80) matches RFC 3711 B.3 keys and refuses tampering and replay",
                requirement:
                    "With the B.3 master key and salt, the derived session keys equal the RFC's; the runner's SRTP context protects a packet exactly as §4.1.1/§4.2 compute it; its receiver refuses a changed octet (§3.3 step 5) and a second copy (§3.3.2)."
            ) {
                try aesCMVector()
            },
            offline(
                "rfc7714-16.1.1/gcm-vector", reference: .rfc(7714, "16.1.1", "AEAD_AES_128_GCM test vector"),
                title: "RFC 7714 §16.1.1 encrypts and opens; the runner's GCM SRTP refuses tampering and replay",
                requirement:
                    "§16's packet under the session key and salt gives exactly the §16.1.1 packet (IV per §8.1, header as associated data per §8.2) and opens back; a changed octet fails the tag (§8.3). The runner's libsrtp GCM context round-trips and refuses a changed octet and a replay. (§16 prints session keys; libsrtp takes master keys, so the vector is checked with an independent AES-GCM construction.)"
            ) {
                try gcmVector()
            },
        ]
    }

    /// An offline case: `check` returns nil when all is right, else what went wrong.
    static func offline(
        _ path: String, reference: SpecReference, title: String, requirement: String,
        check: @escaping @Sendable () throws -> String?
    ) -> ConformanceCase {
        ConformanceCase(
            id: "handshake/\(path)", title: title, severity: .must, reference: reference, requirement: requirement,
            needsTarget: false
        ) { _ in
            if let problem = try check() { return .violated(expected: "the vector verifies", observed: problem) }
            return .pass(observed: "the vector verifies; altered copies are refused")
        }
    }

    static func responseVector(_ vector: [UInt8], mapped ip: String, offset: Int) throws -> String? {
        let expected = STUNAddress(ip: IPAddress(ip)!, port: 32853)
        let verdict = STUNReply.judge(vector, password: STUNVectors.password)
        guard verdict == .success(mapped: expected) else {
            return "judged \(verdict), not a success mapping \(expected)"
        }
        var altered = vector
        altered[offset] ^= 0x01
        if case .success = STUNReply.judge(altered, password: STUNVectors.password) {
            return "a response with a changed octet was accepted"
        }
        if case .success = STUNReply.judge(vector, password: "VOkJxbRl1RmTxUk/WvJxBu") {
            return "the response verified under another password"
        }
        return nil
    }

    static func aesCMVector() throws -> String? {
        let key = STUNVectors.hex("E1F97A0D3E018BE0D64FA32C06DE4139")
        let salt = STUNVectors.hex("0EC675AD498AFEEBB6960B3AABE6")
        let derived = (
            SRTPReference.derive(masterKey: key, masterSalt: salt, label: 0, count: 16),
            SRTPReference.derive(masterKey: key, masterSalt: salt, label: 2, count: 14),
            SRTPReference.derive(masterKey: key, masterSalt: salt, label: 1, count: 20)
        )
        guard derived.0 == STUNVectors.hex("C61E7A93744F39EE10734AFE3FF7A087"),
            derived.1 == STUNVectors.hex("30CBBC08863D8C85D49DB34A9AE1"),
            derived.2 == STUNVectors.hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")
        else { return "the RFC 3711 §4.3.1 key derivation does not give the B.3 session keys" }
        let keys = ExportedSRTPKeys(profileID: 1, localKeyAndSalt: key + salt, remoteKeyAndSalt: key + salt)
        let session = try SRTPClientSession(keys: keys)
        let packet = STUNVectors.hex("806F1234DECAFBADCAFEBABE") + Array("RFC 3711 B.3 through the runner".utf8)
        let protected = try session.protectRTP(packet)
        guard protected == SRTPReference.protectAESCM(packet, masterKey: key, masterSalt: salt) else {
            return "the runner's SRTP output differs from the RFC 3711 computation"
        }
        return receiverRefuses(session, protected, plain: packet)
    }

    static func gcmVector() throws -> String? {
        let key = STUNVectors.hex("000102030405060708090a0b0c0d0e0f")
        let salt = STUNVectors.hex("517569642070726f2071756f")
        let plain = STUNVectors.hex(
            "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573")
        let expected = STUNVectors.hex(
            "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf"
                + "8833899d7f27beb16a9152cf765ee4390cce")
        guard
            SRTPReference.gcmIV(salt: salt, ssrc: 0x5501_A0B2, sequence: 0xF17B)
                == STUNVectors.hex("51753c6580c2726f20718414")
        else { return "the §8.1 IV of the §16 packet is wrong" }
        guard SRTPReference.protectGCM(plain, sessionKey: key, sessionSalt: salt) == expected else {
            return "encrypting the §16 packet does not give §16.1.1"
        }
        guard SRTPReference.openGCM(expected, sessionKey: key, sessionSalt: salt) == plain else {
            return "the §16.1.1 packet does not open"
        }
        var altered = expected
        altered[20] ^= 0x01
        if SRTPReference.openGCM(altered, sessionKey: key, sessionSalt: salt) != nil {
            return "a §16.1.1 packet with a changed octet opened"
        }
        let master = key + salt
        let session = try SRTPClientSession(
            keys: ExportedSRTPKeys(profileID: 7, localKeyAndSalt: master, remoteKeyAndSalt: master))
        let protected = try session.protectRTP(plain)
        return receiverRefuses(session, protected, plain: plain)
    }

    /// The receiving side opens `protected` once, then refuses it again (replay) and refuses a changed copy.
    static func receiverRefuses(_ session: SRTPClientSession, _ protected: [UInt8], plain: [UInt8]) -> String? {
        var altered = protected
        altered[14] ^= 0x01
        if (try? session.unprotectRTP(altered)) != nil { return "a packet with a changed octet was accepted" }
        guard (try? session.unprotectRTP(protected)) == plain else { return "the protected packet does not open" }
        if (try? session.unprotectRTP(protected)) != nil { return "a replayed packet was accepted" }
        return nil
    }
}

/// RFC 5769 vectors (ParleyWire's copy, bytes as printed in the RFC); `hex` reads the RFC 3711/7714 literals.
enum STUNVectors {
    static let password = RFC5769Vectors.password
    /// §2.1 Sample Request.
    static let request = RFC5769Vectors.request
    /// §2.2 Sample IPv4 Response.
    static let ipv4Response = RFC5769Vectors.ipv4Response
    /// §2.3 Sample IPv6 Response.
    static let ipv6Response = RFC5769Vectors.ipv6Response

    /// Hex digits to bytes; spaces ignored. Only for the literals above.
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter(\.isHexDigit).utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { i in
            UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16)!
        }
    }
}
