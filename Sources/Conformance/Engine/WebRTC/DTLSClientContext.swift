import COpenSSL
import CShims
import ParleyCrypto

/// The runner's DTLS 1.2 client configuration (RFC 6347, DTLS-SRTP RFC 5764): one ECDSA certificate and one
/// `SSL_CTX` for every client of a run, so 500 players cost one key generation.
/// Sendable: configured in `init`, then only read by `SSL_new`, which OpenSSL allows from any thread.
public final class DTLSClientContext: @unchecked Sendable {
    let pointer: OpaquePointer
    public let certificate: SelfSignedCertificate

    /// SRTP profiles offered in use_srtp, preferred first (RFC 5764 §4.1.2; both are mandatory in WebRTC stacks).
    static let srtpProfiles = "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM"

    public init() throws {
        certificate = try SelfSignedCertificate.generate(commonName: "parley-conform")
        guard let context = SSL_CTX_new(DTLS_client_method()) else { throw OpenSSLError("SSL_CTX_new") }
        pointer = context
        guard parley_ssl_ctx_set_min_proto_version(context, DTLS1_2_VERSION) == 1,
            parley_ssl_ctx_set_max_proto_version(context, DTLS1_2_VERSION) == 1
        else { throw OpenSSLError("DTLS 1.2 only") }
        parley_ssl_ctx_set_dtls_options(context)
        _ = parley_ssl_ctx_set_read_ahead(context, 1)
        guard SSL_CTX_set_cipher_list(context, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA") == 1 else {
            throw OpenSSLError("SSL_CTX_set_cipher_list")
        }
        let x509 = try X509Handle(pem: certificate.certificatePEM)
        let key = try PrivateKeyHandle(pem: certificate.privateKeyPEM)
        guard SSL_CTX_use_certificate(context, x509.pointer) == 1, SSL_CTX_use_PrivateKey(context, key.pointer) == 1
        else { throw OpenSSLError("SSL_CTX_use_certificate") }
        // SSL_CTX_set_tlsext_use_srtp answers 0 on success.
        guard SSL_CTX_set_tlsext_use_srtp(context, Self.srtpProfiles) == 0 else { throw OpenSSLError("use_srtp") }
        // The server's certificate is self-signed: it is trusted through the answer's a=fingerprint (RFC 8122 §5),
        // which the callback checks on the leaf.
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, clientVerifyCallback)
    }

    deinit { SSL_CTX_free(pointer) }

    public var fingerprint: CertificateFingerprint { certificate.fingerprint }
}

/// Finds the session through the SSL's app data and lets it judge the leaf certificate.
private let clientVerifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
    guard let store, let ssl = parley_ssl_from_store_ctx(store), let raw = parley_ssl_get_app_data(ssl) else {
        return 0
    }
    // Intermediate certificates do not matter: only the leaf is pinned by the fingerprint.
    guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
    let session = Unmanaged<DTLSClientSession>.fromOpaque(raw).takeUnretainedValue()
    guard let leaf = X509_STORE_CTX_get_current_cert(store) else { return 0 }
    return session.acceptsPeer(leaf) ? 1 : 0
}
