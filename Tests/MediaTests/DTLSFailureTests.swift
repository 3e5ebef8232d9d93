import Fixtures
import ParleyCrypto
import ParleyMedia
import Testing

@Suite("DTLS fingerprints, retransmission, MTU and junk input")
struct DTLSFailureTests {
    @Test("a server certificate that does not match the expected fingerprint leaves the client failed")
    func clientRejectsWrongServerFingerprint() throws {
        let peers = try DTLSTestPeers()
        let impostor = try SelfSignedCertificate.generate(commonName: "impostor")
        let (client, server) = try peers.endpoints(clientExpects: impostor.fingerprint)
        pump(client, server, now: .zero)
        guard case .failed(let reason) = client.state else {
            Issue.record("client state is \(client.state)")
            return
        }
        #expect(reason.contains("fingerprint mismatch"))
        #expect(client.srtpKeyingMaterial == nil)
        #expect(server.state != .connected, "the client's alert stops the server too")
    }

    @Test("a client certificate that does not match the expected fingerprint leaves the server failed")
    func serverRejectsWrongClientFingerprint() throws {
        let peers = try DTLSTestPeers()
        let impostor = try SelfSignedCertificate.generate(commonName: "impostor")
        let (client, server) = try peers.endpoints(serverExpects: impostor.fingerprint)
        pump(client, server, now: .zero)
        guard case .failed(let reason) = server.state else {
            Issue.record("server state is \(server.state)")
            return
        }
        #expect(reason.contains("fingerprint mismatch"))
        #expect(server.srtpKeyingMaterial == nil)
        #expect(client.state != .connected)
    }

    @Test("several offered fingerprints must all match (aiortc sends sha-256, sha-384 and sha-512)")
    func allOfferedFingerprintsCount() throws {
        let peers = try DTLSTestPeers()
        let der = peers.serverCertificate.certificateDER
        let good = [
            CertificateFingerprint(der: der, algorithm: .sha256),
            CertificateFingerprint(der: der, algorithm: .sha384),
            CertificateFingerprint(der: der, algorithm: .sha512),
        ]
        let matching = try DTLSEndpoint(
            context: peers.clientContext, role: .client, remoteFingerprints: good,
            now: .zero)
        let server1 = try DTLSEndpoint(
            context: peers.serverContext, role: .server,
            remoteFingerprints: [peers.clientCertificate.fingerprint], now: .zero)
        pump(matching, server1, now: .zero)
        #expect(matching.state == .connected)

        let oneWrong = good.dropLast() + [CertificateFingerprint(der: der + [0], algorithm: .sha512)]
        let mismatching = try DTLSEndpoint(
            context: peers.clientContext, role: .client,
            remoteFingerprints: Array(oneWrong), now: .zero)
        let server2 = try DTLSEndpoint(
            context: peers.serverContext, role: .server,
            remoteFingerprints: [peers.clientCertificate.fingerprint], now: .zero)
        pump(mismatching, server2, now: .zero)
        #expect(mismatching.state != .connected)
    }

    @Test("the handshake survives a lost ClientHello: handleTimeout at the virtual deadline resends it")
    func lostClientHelloIsRetransmitted() async throws {
        let peers = try DTLSTestPeers()
        let schedule = DTLSRetransmission(initial: .milliseconds(100), maximum: .seconds(2))
        let start = MediaTime(nanoseconds: 5_000_000_000)
        let (client, server) = try peers.endpoints(retransmission: schedule, now: start)

        let lost = drain(client)
        #expect(!lost.isEmpty, "the ClientHello was queued at init")
        let deadline = try #require(client.pollTimeout())
        // Exactly start + 100 ms unless a stalled machine let OpenSSL's wall-clock timer fire inside init.
        #expect(deadline == start + .milliseconds(100) || deadline == start + .milliseconds(200))
        let interval = start.duration(to: deadline)

        client.handleTimeout(now: deadline + .milliseconds(-1))
        #expect(drain(client).isEmpty, "nothing is resent before the deadline")

        // OpenSSL also checks its own wall-clock timer of the same length, started during init.
        try await Task.sleep(for: interval + .milliseconds(20))
        client.handleTimeout(now: deadline)
        let resent = drain(client)
        #expect(!resent.isEmpty, "the ClientHello is resent at the deadline")
        #expect(try #require(client.pollTimeout()) == deadline + interval * 2, "the interval doubles")

        for datagram in resent { server.handle(datagram: datagram, now: deadline) }
        pump(client, server, now: deadline)
        #expect(client.state == .connected)
        #expect(server.state == .connected)
        #expect(client.srtpKeyingMaterial == server.srtpKeyingMaterial)
    }

    @Test("the handshake survives a lost final server flight: the client's resend makes the server resend")
    func lostFinalFlightIsRecovered() async throws {
        let peers = try DTLSTestPeers()
        let schedule = DTLSRetransmission(initial: .milliseconds(100), maximum: .seconds(2))
        let (client, server) = try peers.endpoints(retransmission: schedule)
        let now = MediaTime.zero

        for datagram in drain(client) { server.handle(datagram: datagram, now: now) } // ClientHello
        for datagram in drain(server) { client.handle(datagram: datagram, now: now) } // ServerHello ... Done
        for datagram in drain(client) { server.handle(datagram: datagram, now: now) } // Certificate ... Finished
        #expect(server.state == .connected)
        let lostFinal = drain(server) // CCS + Finished: lost
        #expect(!lostFinal.isEmpty)
        #expect(client.state == .handshaking)

        let deadline = try #require(client.pollTimeout())
        try await Task.sleep(for: now.duration(to: deadline) + .milliseconds(20)) // OpenSSL's wall clock too
        client.handleTimeout(now: deadline)
        let resent = drain(client)
        #expect(!resent.isEmpty, "the client resends its last flight")
        for datagram in resent { server.handle(datagram: datagram, now: deadline) }
        let answer = drain(server)
        #expect(!answer.isEmpty, "the server answers a repeated flight with its own")
        for datagram in answer { client.handle(datagram: datagram, now: deadline) }
        #expect(client.state == .connected)
        #expect(client.srtpKeyingMaterial == server.srtpKeyingMaterial)
    }

    @Test("random datagrams shaped like DTLS records never trap an endpoint, and a connected one stays connected")
    func randomDatagramsAreHarmless() throws {
        let peers = try DTLSTestPeers()
        let (client, server) = try peers.endpoints()
        var random = SystemRandomNumberGenerator()
        func junk() -> [UInt8] {
            let length = Int.random(in: 0...300, using: &random)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Record header shape (RFC 6347 §4.1): content type 20...25, version 0xFEFD, then epoch/seq/length.
            if bytes.count >= 3 {
                bytes[0] = UInt8.random(in: 20...25, using: &random); bytes[1] = 0xfe; bytes[2] = 0xfd
            }
            return bytes
        }
        let fresh = try DTLSEndpoint(
            context: peers.serverContext, role: .server,
            remoteFingerprints: [peers.clientCertificate.fingerprint], now: .zero)
        for _ in 0..<300 { fresh.handle(datagram: junk(), now: .zero) }
        _ = drain(fresh)

        pump(client, server, now: .zero)
        try #require(client.state == .connected && server.state == .connected)
        for _ in 0..<300 {
            client.handle(datagram: junk(), now: .zero)
            server.handle(datagram: junk(), now: .zero)
        }
        #expect(client.state == .connected, "invalid records are dropped silently (RFC 6347 §4.1.2.7)")
        #expect(server.state == .connected)
        try client.send(applicationData: [1, 2, 3])
        let events = drain(client).flatMap { server.handle(datagram: $0, now: .zero) }
        #expect(events == [.applicationData([1, 2, 3])])
    }

    @Test("a certificate larger than the MTU is fragmented so that no datagram exceeds it")
    func largeCertificateIsFragmented() throws {
        let names = (0..<80).map { "DNS:host-\($0).fragmentation-check.parley.test" }
        let big = try SelfSignedCertificate.generate(commonName: "big", subjectAlternativeNames: names)
        #expect(big.certificateDER.count > 2400)
        let small = try SelfSignedCertificate.generate(commonName: "small")
        for mtu in [1200, 600] {
            let client = try DTLSEndpoint(
                context: DTLSContext(certificate: big), role: .client,
                remoteFingerprints: [small.fingerprint], now: .zero, mtu: mtu)
            let server = try DTLSEndpoint(
                context: DTLSContext(certificate: small), role: .server,
                remoteFingerprints: [big.fingerprint], now: .zero, mtu: mtu)
            var largest = 0
            for _ in 0..<20 {
                let toServer = drain(client), toClient = drain(server)
                if toServer.isEmpty && toClient.isEmpty { break }
                largest = max(largest, (toServer + toClient).map(\.count).max() ?? 0)
                for datagram in toServer { server.handle(datagram: datagram, now: .zero) }
                for datagram in toClient { client.handle(datagram: datagram, now: .zero) }
            }
            #expect(client.state == .connected && server.state == .connected, "mtu \(mtu)")
            #expect(largest <= mtu && largest > mtu / 2, "largest datagram \(largest) for mtu \(mtu)")
        }
    }

    @Test("endpoints refuse to start without a remote fingerprint, and contexts without SRTP profiles")
    func setupErrors() throws {
        let peers = try DTLSTestPeers()
        #expect(throws: DTLSSetupError.noRemoteFingerprint) {
            try DTLSEndpoint(context: peers.clientContext, role: .client, remoteFingerprints: [], now: .zero)
        }
        #expect(throws: DTLSSetupError.noSRTPProfile) {
            try DTLSContext(certificate: peers.clientCertificate, srtpProfiles: [])
        }
    }
}
