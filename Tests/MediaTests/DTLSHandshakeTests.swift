import Fixtures
import ParleyMedia
import Testing

@Suite("DTLS over OpenSSL memory BIOs")
struct DTLSHandshakeTests {
    @Test("DTLS 1.2 handshake in memory negotiates SRTP_AES128_CM_SHA1_80 with equal exported keys")
    func handshakeNegotiatesCMProfile() throws {
        let peers = try DTLSTestPeers()
        let pair = try peers.endpoints()
        #expect(pair.client.state == .handshaking)
        let sizes = pump(pair.client, pair.server)

        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
        #expect(sizes.count >= 4, "ClientHello, server flight, client flight, server Finished")
        #expect(sizes.allSatisfy { $0 <= 1200 }, "every datagram respects the 1200-byte MTU: \(sizes)")

        let clientKeys = try #require(pair.client.srtpKeyingMaterial)
        let serverKeys = try #require(pair.server.srtpKeyingMaterial)
        #expect(clientKeys == serverKeys)
        #expect(clientKeys.profile == .aes128CmHmacSha1_80)
        #expect(pair.client.negotiatedProfile == .aes128CmHmacSha1_80)
        #expect(clientKeys.exportedBlock.count == 60)
        #expect(clientKeys.clientKey != clientKeys.serverKey)
        #expect(clientKeys.clientKey != [UInt8](repeating: 0, count: 16))

        #expect(pair.client.remoteCertificateFingerprint == peers.serverCertificate.fingerprint)
        #expect(pair.server.remoteCertificateFingerprint == peers.clientCertificate.fingerprint)
        #expect(pair.client.pollTimeout() == nil, "no flight is outstanding once connected")
    }

    @Test("two handshakes export different keys (fresh randoms each time)")
    func keysDifferPerSession() throws {
        let first = try DTLSTestPeers().endpoints()
        pump(first.client, first.server)
        let second = try DTLSTestPeers().endpoints()
        pump(second.client, second.server)
        let a = try #require(first.client.srtpKeyingMaterial)
        let b = try #require(second.client.srtpKeyingMaterial)
        #expect(a.exportedBlock != b.exportedBlock)
    }

    @Test("application data crosses a connected association and close_notify closes the peer")
    func applicationDataAndClose() throws {
        let pair = try DTLSTestPeers().endpoints()
        pump(pair.client, pair.server)
        try pair.client.send(applicationData: Array("sctp bytes".utf8))
        let datagram = try #require(pair.client.pollOutput())
        #expect(!datagram.contains(subsequence: Array("sctp bytes".utf8)), "application data is encrypted")
        let events = pair.server.handle(datagram: datagram, now: .zero)
        #expect(events == [.applicationData(Array("sctp bytes".utf8))])

        pair.client.close(now: .zero)
        #expect(pair.client.state == .closed)
        let alert = try #require(pair.client.pollOutput())
        #expect(alert.first == 21, "an alert record (content type 21)")
        #expect(pair.server.handle(datagram: alert, now: .zero) == [.closed])
        #expect(pair.server.state == .closed)
    }

    @Test("garbage datagrams neither trap nor break a handshake in progress")
    func garbageIsIgnoredOrFails() throws {
        let pair = try DTLSTestPeers().endpoints()
        let hello = try #require(pair.client.pollOutput())
        pair.server.handle(datagram: [22, 0xfe, 0xfd, 0, 0], now: .zero)
        pair.server.handle(datagram: [UInt8](repeating: 0xff, count: 300), now: .zero)
        pair.server.handle(datagram: hello, now: .zero)
        pump(pair.client, pair.server)
        #expect(pair.client.state == .connected)
        #expect(pair.server.state == .connected)
    }
}
