import COpenSSL
import CShims
import ParleyCrypto

/// One OpenSSL `SSL_CTX` for WebRTC DTLS 1.2: the local ECDSA certificate, the cipher list and the SRTP
/// profiles. Shared by every `DTLSEndpoint` that advertises the same `a=fingerprint`.
/// Sendable: the SSL_CTX is only configured in `init` and then only read (SSL_new), which OpenSSL allows
/// from any thread.
public final class DTLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    public let certificate: SelfSignedCertificate
    /// Offered/accepted profiles, most preferred first (as a DTLS server, OpenSSL picks by this order).
    public let srtpProfiles: [SRTPProfile]

    /// ECDHE-ECDSA suites WebRTC stacks offer (Chrome, aiortc and Pion all pick the first).
    public static let cipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA"

    public init(
        certificate: SelfSignedCertificate,
        srtpProfiles: [SRTPProfile] = [.aes128CmHmacSha1_80, .aeadAes128Gcm]
    ) throws {
        guard !srtpProfiles.isEmpty else { throw DTLSSetupError.noSRTPProfile }
        guard let context = SSL_CTX_new(DTLS_method()) else { throw OpenSSLError("SSL_CTX_new") }
        self.pointer = context
        self.certificate = certificate
        self.srtpProfiles = srtpProfiles

        // DTLS 1.2 only: OpenSSL 3.0 has no DTLS 1.3 and WebRTC needs 1.2 (RFC 8827 §6.5).
        guard parley_ssl_ctx_set_min_proto_version(context, DTLS1_2_VERSION) == 1,
            parley_ssl_ctx_set_max_proto_version(context, DTLS1_2_VERSION) == 1
        else { throw OpenSSLError("DTLS version range") }
        parley_ssl_ctx_set_dtls_options(context)
        _ = parley_ssl_ctx_set_read_ahead(context, 1)
        // A connected session's DTLS is idle (media is SRTP): without this each keeps ~34 KB of record buffers.
        _ = parley_ssl_ctx_set_release_buffers(context)
        guard SSL_CTX_set_cipher_list(context, Self.cipherList) == 1 else { throw OpenSSLError("cipher list") }

        let x509 = try X509Handle(pem: certificate.certificatePEM)
        let key = try PrivateKeyHandle(pem: certificate.privateKeyPEM)
        guard SSL_CTX_use_certificate(context, x509.pointer) == 1,
            SSL_CTX_use_PrivateKey(context, key.pointer) == 1,
            SSL_CTX_check_private_key(context) == 1
        else { throw OpenSSLError("load certificate") }

        // Returns 0 on success (unlike nearly every other OpenSSL call).
        let profiles = srtpProfiles.map(\.openSSLName).joined(separator: ":")
        guard SSL_CTX_set_tlsext_use_srtp(context, profiles) == 0 else { throw OpenSSLError("use_srtp \(profiles)") }

        // Both roles demand the peer's certificate: it is what the SDP fingerprint authenticates (RFC 5763 §5).
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, dtlsVerifyCallback)
    }

    deinit { SSL_CTX_free(pointer) }

    /// This side's SHA-256 fingerprint for the SDP `a=fingerprint` line.
    public var fingerprint: CertificateFingerprint { certificate.fingerprint }
}

public enum DTLSSetupError: Error, Sendable {
    case noSRTPProfile
    case noRemoteFingerprint
}
