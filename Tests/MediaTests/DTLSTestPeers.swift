import ParleyCrypto
import ParleyMedia

/// Fresh certificates and contexts for a client and a server.
struct DTLSTestPeers {
    let clientCertificate: SelfSignedCertificate
    let serverCertificate: SelfSignedCertificate
    let clientContext: DTLSContext
    let serverContext: DTLSContext

    init(serverProfiles: [SRTPProfile] = [.aes128CmHmacSha1_80, .aeadAes128Gcm]) throws {
        clientCertificate = try SelfSignedCertificate.generate(commonName: "client", validityDays: 1)
        serverCertificate = try SelfSignedCertificate.generate(commonName: "server", validityDays: 1)
        clientContext = try DTLSContext(certificate: clientCertificate)
        serverContext = try DTLSContext(certificate: serverCertificate, srtpProfiles: serverProfiles)
    }

    func endpoints(
        clientExpects: CertificateFingerprint? = nil, serverExpects: CertificateFingerprint? = nil,
        retransmission: DTLSRetransmission = DTLSRetransmission(), now: MediaTime = .zero
    ) throws -> (client: DTLSEndpoint, server: DTLSEndpoint) {
        let client = try DTLSEndpoint(context: clientContext, role: .client,
                                      remoteFingerprints: [clientExpects ?? serverCertificate.fingerprint], now: now,
                                      retransmission: retransmission)
        let server = try DTLSEndpoint(context: serverContext, role: .server,
                                      remoteFingerprints: [serverExpects ?? clientCertificate.fingerprint], now: now,
                                      retransmission: retransmission)
        return (client, server)
    }
}

/// Every datagram `from` has queued.
func drain(_ from: DTLSEndpoint) -> [[UInt8]] {
    var out: [[UInt8]] = []
    while let datagram = from.pollOutput() { out.append(datagram) }
    return out
}

/// Delivers queued datagrams both ways until both sides are quiet.
func pump(_ client: DTLSEndpoint, _ server: DTLSEndpoint, now: MediaTime) {
    for _ in 0..<20 {
        let toServer = drain(client)
        for datagram in toServer { server.handle(datagram: datagram, now: now) }
        let toClient = drain(server)
        for datagram in toClient { client.handle(datagram: datagram, now: now) }
        if toServer.isEmpty && toClient.isEmpty { return }
    }
}
