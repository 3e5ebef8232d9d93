import Fixtures
import ParleyCrypto
import Testing

@Suite("certificates")
struct CertificateTests {
    @Test("a generated P-256 certificate reloads from PEM with the same DER and fingerprint")
    func generateAndReload() throws {
        let certificate = try SelfSignedCertificate.generate(
            commonName: "parley.test", validityDays: 10,
            subjectAlternativeNames: ["DNS:localhost", "IP:127.0.0.1"])
        #expect(certificate.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(certificate.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try SelfSignedCertificate(
            certificatePEM: certificate.certificatePEM,
            privateKeyPEM: certificate.privateKeyPEM)
        #expect(reloaded.certificateDER == certificate.certificateDER)
        #expect(reloaded.fingerprint == certificate.fingerprint)
        // The DER holds the P-256 OID 1.2.840.10045.3.1.7 and ecdsa-with-SHA256 1.2.840.10045.4.3.2.
        #expect(certificate.certificateDER.contains(subsequence: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]))
        #expect(certificate.certificateDER.contains(subsequence: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]))
        #expect(certificate.certificateDER.contains(subsequence: Array("parley.test".utf8)))
    }

    @Test("a key that does not belong to the certificate, or garbage PEM, is refused")
    func mismatchedKeyRefused() throws {
        let a = try SelfSignedCertificate.generate(commonName: "a")
        let b = try SelfSignedCertificate.generate(commonName: "b")
        #expect(throws: OpenSSLError.self) {
            try SelfSignedCertificate(certificatePEM: a.certificatePEM, privateKeyPEM: b.privateKeyPEM)
        }
        #expect(throws: OpenSSLError.self) {
            try SelfSignedCertificate(
                certificatePEM: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                privateKeyPEM: a.privateKeyPEM)
        }
        #expect(a.certificateDER != b.certificateDER)
        #expect(a.fingerprint != b.fingerprint)
    }

    @Test("SDP fingerprints print as RFC 8122 upper-case hex pairs and parse back")
    func fingerprintSDPForm() throws {
        let der: [UInt8] = Array("not really a certificate".utf8)
        let fingerprint = CertificateFingerprint(der: der)
        #expect(fingerprint.bytes == Digest.hash(.sha256, der))
        let text = fingerprint.sdpValue
        #expect(text.hasPrefix("sha-256 "))
        #expect(text.count == "sha-256 ".count + 32 * 3 - 1)
        #expect(text == text.uppercased().replacingOccurrences(of: "SHA-256", with: "sha-256"))
        #expect(CertificateFingerprint(sdp: text) == fingerprint)
        #expect(CertificateFingerprint(sdp: text.lowercased()) == fingerprint)
        #expect(fingerprint.matches(der: der))
        #expect(!fingerprint.matches(der: der + [0]))
        for bad in [
            "", "sha-256", "md5 AB:CD", "sha-256 AB:CD", "sha-256 " + String(text.dropFirst(8).dropLast()),
            "sha-256 " + text.dropFirst(8).replacingOccurrences(of: ":", with: "-"),
        ] {
            #expect(CertificateFingerprint(sdp: bad) == nil, "\(bad)")
        }
    }
}
