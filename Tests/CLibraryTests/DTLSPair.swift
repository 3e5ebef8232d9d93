import ParleyCrypto
import ParleyMedia

/// A client and a server endpoint with fresh certificates, each expecting the other's fingerprint.
struct DTLSPair {
    let client: DTLSEndpoint
    let server: DTLSEndpoint
    let clientCertificate: SelfSignedCertificate
    let serverCertificate: SelfSignedCertificate

    init(serverProfiles: [SRTPProfile] = [.aes128CmHmacSha1_80, .aeadAes128Gcm]) throws {
        clientCertificate = try SelfSignedCertificate.generate(commonName: "client", validityDays: 30)
        serverCertificate = try SelfSignedCertificate.generate(commonName: "server", validityDays: 30)
        client = try DTLSEndpoint(context: DTLSContext(certificate: clientCertificate), role: .client,
                                  remoteFingerprints: [serverCertificate.fingerprint], now: .zero)
        server = try DTLSEndpoint(context: DTLSContext(certificate: serverCertificate, srtpProfiles: serverProfiles),
                                  role: .server, remoteFingerprints: [clientCertificate.fingerprint], now: .zero)
    }

    /// Delivers every queued datagram both ways until neither side has anything to send.
    /// Returns the sizes of the datagrams that crossed.
    @discardableResult
    func pump(now: MediaTime = .zero, rounds: Int = 20) -> [Int] {
        var sizes: [Int] = []
        for _ in 0..<rounds {
            var moved = false
            while let datagram = client.pollOutput() {
                server.handle(datagram: datagram, now: now)
                sizes.append(datagram.count)
                moved = true
            }
            while let datagram = server.pollOutput() {
                client.handle(datagram: datagram, now: now)
                sizes.append(datagram.count)
                moved = true
            }
            if !moved { break }
        }
        return sizes
    }
}
