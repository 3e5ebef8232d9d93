import ParleyMedia
import ParleyWire
import Testing

@Suite("ICE-lite agent (RFC 8445 §2.5, RFC 7675)")
struct ICELiteAgentTests {
    let server = ICECredentials(ufrag: "srvU", pwd: "serverpasswordserverpass")
    let client = ICECredentials(ufrag: "cliU", pwd: "clientpasswordclientpass")
    let source = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 50_000)

    func request(
        useCandidate: Bool = false, password: String? = nil, username: String? = nil,
        extra: [STUNAttribute] = [], controlled: Bool = false, priority: Bool = true,
        fingerprint: Bool = true
    ) -> (STUNTransactionID, [UInt8]) {
        var attributes: [STUNAttribute] = [.username(username ?? "srvU:cliU")]
        if priority { attributes.append(.priority(1_853_817_087)) }
        attributes.append(controlled ? .iceControlled(tieBreaker: 1) : .iceControlling(tieBreaker: 1))
        if useCandidate { attributes.append(.useCandidate) }
        attributes += extra
        let id = STUNTransactionID.random()
        let message = STUNMessage(type: .bindingRequest, transactionID: id, attributes: attributes)
        return (
            id,
            message.encode(
                integrityKey: STUNIntegrity.shortTermKey(password: password ?? server.pwd),
                fingerprint: fingerprint)
        )
    }

    func agent(now: MediaTime = .zero) -> ICELiteAgent {
        ICELiteAgent(localCredentials: server, remoteUfrag: client.ufrag, now: now)
    }

    func onlyResponse(_ agent: ICELiteAgent) throws -> (STUNMessage, ICETransmit) {
        let transmit = try #require(agent.pollOutput())
        #expect(agent.pollOutput() == nil)
        return (try STUNMessage.parse(transmit.bytes), transmit)
    }

    @Test("a valid check gets a success with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY keyed by our pwd and FINGERPRINT")
    func validCheck() throws {
        let agent = agent()
        let (id, bytes) = request()
        let events = agent.handle(stun: bytes, from: source, now: .zero)
        #expect(events == [.validated(source), .selected(source)])
        let (response, transmit) = try onlyResponse(agent)
        #expect(transmit.destination == source)
        #expect(response.type == .bindingSuccess)
        #expect(response.transactionID == id)
        #expect(response.xorMappedAddress == source)
        #expect(response.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: server.pwd)))
        #expect(!response.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: client.pwd)))
        #expect(response.verifyFingerprint())
        #expect(agent.state == .connected)
    }

    @Test("a wrong MESSAGE-INTEGRITY gets 401 and no success, and validates nothing")
    func wrongIntegrity() throws {
        let agent = agent()
        let (_, bytes) = request(password: "notTheServerPasswordAtAll")
        #expect(agent.handle(stun: bytes, from: source, now: .zero).isEmpty)
        let (response, _) = try onlyResponse(agent)
        #expect(response.type == .bindingError)
        #expect(response.errorCode?.code == 401)
        #expect(!agent.isValidated(source))
        #expect(agent.selectedAddress == nil)
    }

    @Test("a tampered byte after signing breaks FINGERPRINT: silently dropped")
    func tamperedFingerprint() {
        let agent = agent()
        var (_, bytes) = request()
        bytes[24] ^= 0x01
        #expect(agent.handle(stun: bytes, from: source, now: .zero).isEmpty)
        #expect(agent.pollOutput() == nil)
    }

    @Test("a USERNAME naming another ufrag is refused with 401")
    func wrongUsername() throws {
        let agent = agent()
        let (_, bytes) = request(username: "other:cliU")
        _ = agent.handle(stun: bytes, from: source, now: .zero)
        #expect(try onlyResponse(agent).0.errorCode?.code == 401)
        let (_, wrongRemote) = request(username: "srvU:someoneElse")
        _ = agent.handle(stun: wrongRemote, from: source, now: .zero)
        #expect(try onlyResponse(agent).0.errorCode?.code == 401)
    }

    @Test("a check without PRIORITY or FINGERPRINT is a 400")
    func missingAttributes() throws {
        let agent = agent()
        _ = agent.handle(stun: request(priority: false).1, from: source, now: .zero)
        #expect(try onlyResponse(agent).0.errorCode?.code == 400)
        _ = agent.handle(stun: request(fingerprint: false).1, from: source, now: .zero)
        #expect(try onlyResponse(agent).0.errorCode?.code == 400)
        #expect(!agent.isValidated(source))
    }

    @Test("a peer that also claims ICE-CONTROLLED gets an authenticated 487 role conflict")
    func roleConflict() throws {
        let agent = agent()
        _ = agent.handle(stun: request(controlled: true).1, from: source, now: .zero)
        let (response, _) = try onlyResponse(agent)
        #expect(response.errorCode?.code == 487)
        #expect(response.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: server.pwd)))
        #expect(!agent.isValidated(source))
    }

    @Test("an unknown comprehension-required attribute gets 420 listing it; optional ones are ignored")
    func unknownAttributes() throws {
        let agent = agent()
        _ = agent.handle(stun: request(extra: [.other(type: 0x7F01, value: [1, 2, 3, 4])]).1, from: source, now: .zero)
        let (response, _) = try onlyResponse(agent)
        #expect(response.errorCode?.code == 420)
        #expect(response.attributes.contains(.unknownAttributes([0x7F01])))
        _ = agent.handle(stun: request(extra: [.other(type: 0xC057, value: [0, 1, 0, 2])]).1, from: source, now: .zero)
        #expect(try onlyResponse(agent).0.type == .bindingSuccess)
    }

    @Test("the first valid check selects its address; USE-CANDIDATE from another address re-selects")
    func nomination() throws {
        let agent = agent()
        let other = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 50_001)
        _ = agent.handle(stun: request().1, from: source, now: .zero)
        #expect(agent.selectedAddress == source)
        #expect(agent.handle(stun: request().1, from: other, now: .zero) == [.validated(other)])
        #expect(agent.selectedAddress == source)
        #expect(agent.handle(stun: request(useCandidate: true).1, from: other, now: .zero) == [.selected(other)])
        #expect(agent.selectedAddress == other)
    }

    @Test("consent: checks every 5 s keep the peer; 30 s of silence drops it and nothing is answered after")
    func consentFreshness() throws {
        let agent = agent()
        var now = MediaTime.zero
        for _ in 0..<10 {
            _ = agent.handle(stun: request(useCandidate: true).1, from: source, now: now)
            while agent.pollOutput() != nil {}
            now = now + .seconds(5)
            #expect(agent.handleTimeout(now: now).isEmpty)
        }
        #expect(agent.state == .connected)
        let deadline = try #require(agent.pollTimeout())
        #expect(agent.handleTimeout(now: deadline + .milliseconds(-1)).isEmpty)
        #expect(agent.handleTimeout(now: deadline) == [.consentExpired])
        #expect(agent.state == .failed)
        #expect(agent.selectedAddress == nil)
        _ = agent.handle(stun: request().1, from: source, now: deadline)
        #expect(agent.pollOutput() == nil)
    }

    @Test("a peer that never checks in is dropped after the consent timeout too")
    func neverConnected() {
        let agent = agent()
        #expect(agent.handleTimeout(now: .zero + .seconds(30)) == [.consentExpired])
    }

    @Test("responses and indications are not answered")
    func nonRequests() {
        let agent = agent()
        let indication = STUNMessage(type: .bindingIndication, transactionID: .random()).encode(fingerprint: true)
        let response = STUNMessage(type: .bindingSuccess, transactionID: .random()).encode(fingerprint: true)
        #expect(agent.handle(stun: indication, from: source, now: .zero).isEmpty)
        #expect(agent.handle(stun: response, from: source, now: .zero).isEmpty)
        #expect(agent.pollOutput() == nil)
    }

    @Test("after an ICE restart only the new credentials authenticate")
    func restart() throws {
        let agent = agent()
        let fresh = ICECredentials(ufrag: "newU", pwd: "newpasswordnewpassword12")
        agent.restart(localCredentials: fresh, remoteUfrag: "cli2")
        _ = agent.handle(stun: request().1, from: source, now: .zero)
        #expect(try onlyResponse(agent).0.errorCode?.code == 401)
        _ = agent.handle(stun: request(password: fresh.pwd, username: "newU:cli2").1, from: source, now: .zero)
        let (response, _) = try onlyResponse(agent)
        #expect(response.type == .bindingSuccess)
        #expect(response.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: fresh.pwd)))
    }
}
