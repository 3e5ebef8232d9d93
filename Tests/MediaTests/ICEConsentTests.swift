import ParleyMedia
import ParleyWire
import Testing

/// RFC 7675 §5.1: consent is per candidate pair. An ICE-lite agent learns a pair's consent from the checks that
/// arrive on it, so media may go only to an address whose own checks are fresh.
@Suite("ICE consent per candidate pair (RFC 7675 §5.1)")
struct ICEConsentTests {
    let server = ICECredentials(ufrag: "srvU", pwd: "serverpasswordserverpass")
    let peer = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 50_000)
    let spoofed = STUNAddress(ip: IPAddress("127.0.0.2")!, port: 40_000)

    /// An authenticated Binding request from the controlling peer (ufrag "cliU").
    func check(nominate: Bool = false, id: STUNTransactionID = .random()) -> [UInt8] {
        var attributes: [STUNAttribute] = [
            .username("srvU:cliU"), .priority(1_853_817_087),
            .iceControlling(tieBreaker: 7),
        ]
        if nominate { attributes.append(.useCandidate) }
        return STUNMessage(type: .bindingRequest, transactionID: id, attributes: attributes)
            .encode(integrityKey: STUNIntegrity.shortTermKey(password: server.pwd), fingerprint: true)
    }

    func agent() -> ICELiteAgent {
        ICELiteAgent(localCredentials: server, remoteUfrag: "cliU", now: .zero, consentTimeout: .seconds(30))
    }

    /// Runs the agent's timers up to `now`, as the media plane's tick does.
    func advance(_ agent: ICELiteAgent, to now: MediaTime) -> [ICEEvent] {
        var events: [ICEEvent] = []
        while let deadline = agent.pollTimeout(), deadline <= now { events += agent.handleTimeout(now: deadline) }
        return events
    }

    @Test("a nomination from a spoofed address stops getting media once its own consent runs out")
    func spoofedNominationExpires() {
        let agent = agent()
        #expect(
            agent.handle(stun: check(nominate: true), from: peer, now: .zero) == [.validated(peer), .selected(peer)])
        // A single valid nominating check arrives from another address, which never checks again.
        let start = MediaTime.zero + .seconds(1)
        #expect(
            agent.handle(stun: check(nominate: true), from: spoofed, now: start)
                == [.validated(spoofed), .selected(spoofed)])
        #expect(agent.selectedAddress == spoofed)
        // The real peer keeps its consent fresh with a check every 5 s.
        var events: [ICEEvent] = []
        var now = start
        for _ in 0..<12 {
            now = now + .seconds(5)
            events += advance(agent, to: now)
            agent.handle(stun: check(), from: peer, now: now)
            while agent.pollOutput() != nil {}
        }
        // 30 s after its only check the spoofed address lost consent: media moved back to the peer's address,
        // and the agent as a whole is still connected.
        #expect(events == [.selected(peer)])
        #expect(agent.selectedAddress == peer)
        #expect(!agent.isValidated(spoofed))
        #expect(agent.state == .connected)
    }

    @Test("the selected address expires on its own deadline, even while another address keeps checking")
    func selectedDeadlineIsItsOwn() throws {
        let agent = agent()
        agent.handle(stun: check(nominate: true), from: spoofed, now: .zero)
        agent.handle(stun: check(), from: peer, now: .zero + .seconds(20))
        #expect(agent.selectedAddress == spoofed)
        #expect(agent.pollTimeout() == .zero + .seconds(30))
        #expect(agent.handleTimeout(now: .zero + .seconds(29)).isEmpty)
        #expect(agent.handleTimeout(now: .zero + .seconds(30)) == [.selected(peer)])
        #expect(agent.pollTimeout() == .zero + .seconds(50))
        #expect(agent.handleTimeout(now: .zero + .seconds(50)) == [.consentExpired])
        #expect(agent.selectedAddress == nil)
        #expect(agent.state == .failed)
    }

    @Test("a check replayed from another address is dropped: no answer, no selection, no consent")
    func replayFromAnotherAddress() {
        let agent = agent()
        let id = STUNTransactionID.random()
        let nomination = check(nominate: true, id: id)
        agent.handle(stun: nomination, from: peer, now: .zero)
        #expect(agent.pollOutput()?.destination == peer)
        #expect(agent.handle(stun: nomination, from: spoofed, now: .zero + .seconds(1)).isEmpty)
        #expect(agent.pollOutput() == nil)
        #expect(agent.selectedAddress == peer)
        #expect(!agent.isValidated(spoofed))
        // A retransmission from the same address is answered again (RFC 8489 §6.3.1).
        agent.handle(stun: nomination, from: peer, now: .zero + .seconds(1))
        #expect(agent.pollOutput()?.destination == peer)
    }

    @Test("a peer cycling source addresses keeps at most maxValidatedAddresses, and the selected one")
    func boundedAddresses() {
        let agent = agent()
        agent.handle(stun: check(nominate: true), from: peer, now: .zero)
        for port in 1...40 {
            agent.handle(
                stun: check(), from: STUNAddress(ip: IPAddress("127.0.0.1")!, port: UInt16(port)),
                now: .zero + .milliseconds(port))
        }
        #expect(agent.validatedAddresses.count == ICELiteAgent.maxValidatedAddresses)
        #expect(agent.selectedAddress == peer && agent.isValidated(peer))
    }
}
