import COpenSSL
import CShims

/// An EC P-256 key with a self-signed X.509 v3 certificate (SHA-256 signature), kept as PEM.
/// Serves the HTTPS port and DTLS (RFC 5763 §5: WebRTC peers authenticate by fingerprint, not by CA).
public struct SelfSignedCertificate: Sendable, Equatable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    /// The certificate in DER, as hashed for `a=fingerprint` (RFC 8122 §5).
    public let certificateDER: [UInt8]

    /// Loads a certificate and its private key from PEM; throws if either does not parse or they do not match.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate = try X509Handle(pem: certificatePEM)
        let key = try PrivateKeyHandle(pem: privateKeyPEM)
        guard X509_check_private_key(certificate.pointer, key.pointer) == 1 else {
            throw OpenSSLError("X509_check_private_key")
        }
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.certificateDER = try certificate.der()
    }

    /// Generates a fresh P-256 key and a certificate for `commonName`, valid from one day ago (clock skew)
    /// for `validityDays` days, with a random positive 128-bit serial (RFC 5280 §4.1.2.2).
    /// `subjectAlternativeNames` uses OpenSSL's config syntax, e.g. ["DNS:localhost", "IP:127.0.0.1"].
    public static func generate(
        commonName: String, validityDays: Int = 365, subjectAlternativeNames: [String] = []
    ) throws -> SelfSignedCertificate {
        let key = try PrivateKeyHandle.generateP256()
        guard let x509 = X509_new() else { throw OpenSSLError("X509_new") }
        let certificate = X509Handle(owning: x509)

        guard X509_set_version(x509, 2) == 1 else { throw OpenSSLError("X509_set_version") }
        var serial = SecureRandom.bytes(16)
        serial[0] &= 0x7f
        serial[0] |= 0x01 // positive and exactly 16 bytes long
        guard let bignum = BN_bin2bn(serial, Int32(serial.count), nil) else { throw OpenSSLError("BN_bin2bn") }
        defer { BN_free(bignum) }
        guard BN_to_ASN1_INTEGER(bignum, X509_get_serialNumber(x509)) != nil else {
            throw OpenSSLError("BN_to_ASN1_INTEGER")
        }
        guard X509_gmtime_adj(X509_getm_notBefore(x509), -86_400) != nil,
            X509_time_adj_ex(X509_getm_notAfter(x509), Int32(clamping: validityDays), 0, nil) != nil
        else { throw OpenSSLError("X509 validity") }

        let name = X509_get_subject_name(x509)
        let added = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0)
        guard added == 1, X509_set_issuer_name(x509, name) == 1 else { throw OpenSSLError("X509 name") }
        guard X509_set_pubkey(x509, key.pointer) == 1 else { throw OpenSSLError("X509_set_pubkey") }

        if !subjectAlternativeNames.isEmpty {
            var context = X509V3_CTX()
            X509V3_set_ctx(&context, x509, x509, nil, nil, 0)
            let value = subjectAlternativeNames.joined(separator: ",")
            guard let extensionPointer = X509V3_EXT_conf_nid(nil, &context, NID_subject_alt_name, value) else {
                throw OpenSSLError("subjectAltName \(value)")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(x509, extensionPointer, -1) == 1 else { throw OpenSSLError("X509_add_ext") }
        }

        guard X509_sign(x509, key.pointer, EVP_sha256()) > 0 else { throw OpenSSLError("X509_sign") }
        return try SelfSignedCertificate(certificatePEM: certificate.pem(), privateKeyPEM: key.pem())
    }

    /// SHA-256 fingerprint of this certificate, for SDP `a=fingerprint`.
    public var fingerprint: CertificateFingerprint { CertificateFingerprint(der: certificateDER) }
}

/// Owns an `X509 *`.
package final class X509Handle {
    package let pointer: OpaquePointer

    package init(owning pointer: OpaquePointer) { self.pointer = pointer }

    package convenience init(pem: String) throws {
        let x509 = try readPEM(pem, "PEM_read_bio_X509") { PEM_read_bio_X509($0, nil, nil, nil) }
        self.init(owning: x509)
    }

    deinit { X509_free(pointer) }

    package func der() throws -> [UInt8] { try derEncoding(of: pointer) }

    package func pem() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError("BIO_new") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_X509(bio, pointer) == 1 else { throw OpenSSLError("PEM_write_bio_X509") }
        return String(decoding: memoryBIOContents(bio), as: UTF8.self)
    }
}

/// Reads one PEM object through a read-only memory BIO; `reader` is the `PEM_read_bio_*` call for its type.
private func readPEM(_ pem: String, _ readerName: String, _ reader: (OpaquePointer) -> OpaquePointer?) throws
    -> OpaquePointer
{
    let bytes = Array(pem.utf8)
    // The BIO borrows the bytes without copying, so it lives only inside the buffer's scope.
    return try bytes.withUnsafeBufferPointer { buffer in
        guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
            throw OpenSSLError("BIO_new_mem_buf")
        }
        defer { BIO_free(bio) }
        guard let object = reader(bio) else { throw OpenSSLError(readerName) }
        return object
    }
}

/// DER bytes of an `X509 *` (i2d_X509).
package func derEncoding(of x509: OpaquePointer) throws -> [UInt8] {
    let length = i2d_X509(x509, nil)
    guard length > 0 else { throw OpenSSLError("i2d_X509") }
    var out = [UInt8](repeating: 0, count: Int(length))
    let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
        return i2d_X509(x509, &cursor)
    }
    guard written == length else { throw OpenSSLError("i2d_X509") }
    return out
}

/// Owns an `EVP_PKEY *`.
package final class PrivateKeyHandle {
    package let pointer: OpaquePointer

    package init(owning pointer: OpaquePointer) { self.pointer = pointer }

    package convenience init(pem: String) throws {
        let key = try readPEM(pem, "PEM_read_bio_PrivateKey") { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        self.init(owning: key)
    }

    deinit { EVP_PKEY_free(pointer) }

    /// P-256 through the fixed-arity EVP calls (EVP_EC_gen is variadic and does not import).
    package static func generateP256() throws -> PrivateKeyHandle {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { throw OpenSSLError("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1
        else { throw OpenSSLError("EC keygen setup") }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(context, &key) == 1, let key else { throw OpenSSLError("EVP_PKEY_keygen") }
        return PrivateKeyHandle(owning: key)
    }

    package func pem() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError("BIO_new") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw OpenSSLError("PEM_write_bio_PrivateKey")
        }
        return String(decoding: memoryBIOContents(bio), as: UTF8.self)
    }
}
