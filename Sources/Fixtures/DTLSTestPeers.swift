import ParleyCrypto
import ParleyMedia

/// A DTLS client and server with fresh certificates and contexts, each expecting the other's fingerprint unless a
/// test says otherwise; datagrams cross only when the test moves them (``pump(_:_:now:rounds:)``, ``drain(_:)``).
public struct DTLSTestPeers: Sendable {
    public let clientCertificate: SelfSignedCertificate
    public let serverCertificate: SelfSignedCertificate
    public let clientContext: DTLSContext
    public let serverContext: DTLSContext

    public init(serverProfiles: [SRTPProfile] = [.aes128CmHmacSha1_80, .aeadAes128Gcm]) throws {
        clientCertificate = try SelfSignedCertificate.generate(commonName: "client", validityDays: 1)
        serverCertificate = try SelfSignedCertificate.generate(commonName: "server", validityDays: 1)
        clientContext = try DTLSContext(certificate: clientCertificate)
        serverContext = try DTLSContext(certificate: serverCertificate, srtpProfiles: serverProfiles)
    }

    /// A fresh client and server endpoint; `clientExpects`/`serverExpects` replace the fingerprint each pins.
    public func endpoints(
        clientExpects: CertificateFingerprint? = nil, serverExpects: CertificateFingerprint? = nil,
        retransmission: DTLSRetransmission = DTLSRetransmission(), now: MediaTime = .zero
    ) throws -> (client: DTLSEndpoint, server: DTLSEndpoint) {
        let client = try DTLSEndpoint(
            context: clientContext, role: .client,
            remoteFingerprints: [clientExpects ?? serverCertificate.fingerprint], now: now,
            retransmission: retransmission)
        let server = try DTLSEndpoint(
            context: serverContext, role: .server,
            remoteFingerprints: [serverExpects ?? clientCertificate.fingerprint], now: now,
            retransmission: retransmission)
        return (client, server)
    }
}

/// Every datagram `endpoint` has queued.
public func drain(_ endpoint: DTLSEndpoint) -> [[UInt8]] {
    var out: [[UInt8]] = []
    while let datagram = endpoint.pollOutput() { out.append(datagram) }
    return out
}

/// Delivers queued datagrams both ways until both sides are quiet (at most `rounds` exchanges); returns the sizes
/// of the datagrams that crossed, in order.
@discardableResult
public func pump(_ client: DTLSEndpoint, _ server: DTLSEndpoint, now: MediaTime = .zero, rounds: Int = 20) -> [Int] {
    var sizes: [Int] = []
    for _ in 0..<rounds {
        let toServer = drain(client)
        for datagram in toServer { server.handle(datagram: datagram, now: now) }
        let toClient = drain(server)
        for datagram in toClient { client.handle(datagram: datagram, now: now) }
        sizes += (toServer + toClient).map(\.count)
        if toServer.isEmpty && toClient.isEmpty { break }
    }
    return sizes
}
