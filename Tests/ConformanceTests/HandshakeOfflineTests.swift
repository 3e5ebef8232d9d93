import ParleyWire
import Testing

@testable import ParleyConformance

/// The handshake profile's offline tier and the checkers it holds to the RFC vectors.
@Suite("handshake offline tier")
struct HandshakeOfflineTests {
    @Test("the cases that need no target are exactly the handshake vector cases, and they pass with no target")
    func offlineRun() async throws {
        let offline = HandshakeSuite.cases().filter { !$0.needsTarget }
        #expect(
            offline.map(\.id).sorted() == [
                "handshake/rfc3711-b.3/aes-cm-vector", "handshake/rfc5769-2.1/request-vector",
                "handshake/rfc5769-2.2/ipv4-response-vector", "handshake/rfc5769-2.3/ipv6-response-vector",
                "handshake/rfc7714-16.1.1/gcm-vector",
            ])
        var options = RunOptions(target: "http://offline.invalid", profiles: ["handshake"])
        options.offline = true
        let report = await Runner(options: options).run(offline)
        #expect(report.runError == nil)
        #expect(report.cases.map(\.verdict) == [Verdict](repeating: .pass, count: 5))
    }

    @Test("the response checker refuses a success without integrity, under another password, or with a bad FINGERPRINT")
    func responseChecker() throws {
        let source = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 5000)
        let id = STUNTransactionID.random()
        let unsigned = STUNMessage(type: .bindingSuccess, transactionID: id, attributes: [.xorMappedAddress(source)])
            .encode(integrityKey: nil, fingerprint: true)
        guard case .unauthenticated = STUNReply.judge(unsigned, password: "pw-0123456789abcdefghij") else {
            Issue.record("an unsigned success was accepted")
            return
        }
        let signed = STUNMessage(type: .bindingSuccess, transactionID: id, attributes: [.xorMappedAddress(source)])
            .encode(integrityKey: STUNIntegrity.shortTermKey(password: "pw-0123456789abcdefghij"), fingerprint: true)
        #expect(STUNReply.judge(signed, password: "pw-0123456789abcdefghij") == .success(mapped: source))
        guard case .unauthenticated = STUNReply.judge(signed, password: "other-0123456789abcdef") else {
            Issue.record("a success under another password was accepted")
            return
        }
        var corrupted = signed
        corrupted[corrupted.count - 1] ^= 0x01
        guard case .malformed = STUNReply.judge(corrupted, password: "pw-0123456789abcdefghij") else {
            Issue.record("a bad FINGERPRINT was accepted")
            return
        }
        let error = STUNMessage(type: .bindingError, transactionID: id, attributes: [.errorCode(.roleConflict)])
            .encode(integrityKey: nil, fingerprint: true)
        #expect(STUNReply.judge(error, password: "x") == .error(code: 487, reason: "Role Conflict"))
    }

    @Test("the GCM reference only reproduces RFC 7714 §16.1.1 under the printed key and salt")
    func gcmReferenceCanFail() {
        let plain = STUNVectors.hex("8040f17b8041f8d35501a0b247616c6c6961")
        let key = STUNVectors.hex("000102030405060708090a0b0c0d0e0f")
        let salt = STUNVectors.hex("517569642070726f2071756f")
        var otherKey = key
        otherKey[0] ^= 1
        let sealed = SRTPReference.protectGCM(plain, sessionKey: key, sessionSalt: salt)
        #expect(sealed != nil)
        #expect(sealed != SRTPReference.protectGCM(plain, sessionKey: otherKey, sessionSalt: salt))
        #expect(SRTPReference.openGCM(sealed!, sessionKey: otherKey, sessionSalt: salt) == nil)
        #expect(SRTPReference.openGCM(sealed!, sessionKey: key, sessionSalt: salt) == plain)
    }
}
