import COpenSSL
import CShims
import ParleyCrypto

/// SRTP master keys exported after a DTLS-SRTP handshake (RFC 5764 §4.2), already split into the client's (ours)
/// and the server's halves.
public struct ExportedSRTPKeys: Sendable, Hashable {
    /// 1 = AES_CM_128_HMAC_SHA1_80, 7 = AEAD_AES_128_GCM (RFC 5764 §4.1.2, RFC 7714 §14.2).
    public var profileID: UInt16
    public var localKeyAndSalt: [UInt8]
    public var remoteKeyAndSalt: [UInt8]

    /// Salt length per profile: 14 bytes for AES-CM (RFC 3711 §8.2), 12 for GCM (RFC 7714 §14.2).
    static func saltLength(profileID: UInt16) -> Int? {
        switch profileID {
        case 0x0001: 14
        case 0x0007: 12
        default: nil
        }
    }
}

/// The DTLS client of one WebRTC session. Datagrams out are collected from the write BIO one per record flight
/// write (`takeOutput()`); time-outs use OpenSSL's own timer (`handleTimeout()` on every tick while handshaking).
public final class DTLSClientSession {
    public enum State: Sendable, Hashable {
        case handshaking
        case connected
        case failed(String)
    }

    public private(set) var state: State = .handshaking
    public private(set) var keys: ExportedSRTPKeys?
    /// The fingerprints the answer announced (RFC 8122 §5): the server's certificate must match one of them.
    public let expected: [CertificateFingerprint]
    let context: DTLSClientContext
    let ssl: OpaquePointer
    let input: OpaquePointer
    var output: [[UInt8]] = []
    var mismatch: String?

    public init(context: DTLSClientContext, expected: [CertificateFingerprint], mtu: Int = 1200) throws {
        guard !expected.isEmpty else { throw OpenSSLError("the answer has no a=fingerprint") }
        guard let ssl = SSL_new(context.pointer) else { throw OpenSSLError("SSL_new") }
        guard let input = BIO_new(BIO_s_mem()), let sink = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLError("BIO_new")
        }
        _ = parley_bio_set_mem_eof_return(input, -1) // empty means "no datagram yet", not end of stream
        SSL_set_bio(ssl, input, sink)
        self.context = context
        self.expected = expected
        self.ssl = ssl
        self.input = input
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = parley_ssl_set_app_data(ssl, me)
        parley_bio_capture_writes(sink, clientDatagramSink, me)
        _ = parley_ssl_set_options_no_query_mtu(ssl)
        _ = parley_dtls_set_link_mtu(ssl, mtu)
        _ = parley_ssl_set_mtu(ssl, mtu)
        SSL_set_connect_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// Sends the ClientHello (RFC 6347 §4.2.1); call once ICE has a selected pair.
    public func start() { advance() }

    /// Datagrams to send, oldest first.
    public func takeOutput() -> [[UInt8]] {
        defer { output.removeAll(keepingCapacity: true) }
        return output
    }

    /// One received DTLS datagram (first byte 20–63, RFC 7983 §7).
    public func receive(_ datagram: [UInt8]) {
        guard state == .handshaking, !datagram.isEmpty else { return }
        let written = datagram.withUnsafeBytes { BIO_write(input, $0.baseAddress, Int32(clamping: $0.count)) }
        guard written == Int32(clamping: datagram.count) else { return }
        advance()
        _ = BIO_ctrl(input, BIO_CTRL_RESET, 0, nil) // a rejected record must not stay for the next call
    }

    /// Retransmits the last flight when OpenSSL's timer ran out (RFC 6347 §4.2.4).
    public func handleTimeout() {
        guard state == .handshaking else { return }
        if parley_dtls_handle_timeout(ssl) < 0 {
            state = .failed("DTLS handshake gave up after repeated retransmissions")
        }
    }

    // MARK: - internals

    func advance() {
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            finish()
            return
        }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE {
            _ = OpenSSLError.drainQueue()
            return
        }
        let reasons = OpenSSLError.drainQueue().joined(separator: "; ")
        state = .failed(mismatch ?? "DTLS handshake failed: \(reasons)")
    }

    func finish() {
        // The verify callback ran on the leaf; check again, since a handshake without it must not pass.
        guard let peer = SSL_get1_peer_certificate(ssl) else {
            state = .failed("the server sent no certificate")
            return
        }
        defer { X509_free(peer) }
        guard acceptsPeer(peer) else {
            state = .failed(mismatch ?? "certificate fingerprint mismatch")
            return
        }
        let profileID = UInt16(truncatingIfNeeded: parley_ssl_selected_srtp_profile_id(ssl))
        guard let saltLength = ExportedSRTPKeys.saltLength(profileID: profileID) else {
            state = .failed("the server chose no SRTP profile this client offered (use_srtp id \(profileID))")
            return
        }
        // RFC 5764 §4.2: client key, server key, client salt, server salt from "EXTRACTOR-dtls_srtp".
        var block = [UInt8](repeating: 0, count: 2 * (16 + saltLength))
        let label = "EXTRACTOR-dtls_srtp"
        let exported = SSL_export_keying_material(ssl, &block, block.count, label, label.utf8.count, nil, 0, 0)
        guard exported == 1 else {
            state = .failed("SSL_export_keying_material failed")
            return
        }
        let clientKey = block[0..<16]
        let serverKey = block[16..<32]
        let clientSalt = block[32..<(32 + saltLength)]
        let serverSalt = block[(32 + saltLength)...]
        keys = ExportedSRTPKeys(
            profileID: profileID, localKeyAndSalt: Array(clientKey + clientSalt),
            remoteKeyAndSalt: Array(serverKey + serverSalt))
        state = .connected
    }

    /// True when the certificate matches every expected fingerprint whose algorithm we know (RFC 8122 §5).
    func acceptsPeer(_ certificate: OpaquePointer) -> Bool {
        for fingerprint in expected {
            guard let actual = try? CertificateFingerprint(x509: certificate, algorithm: fingerprint.algorithm) else {
                mismatch = "cannot hash the server certificate with \(fingerprint.algorithm.rawValue)"
                return false
            }
            guard ConstantTime.equals(actual.bytes, fingerprint.bytes) else {
                mismatch =
                    "certificate fingerprint mismatch: the answer says \(fingerprint.sdpValue), "
                    + "the server presented \(actual.sdpValue)"
                return false
            }
        }
        return true
    }

    func collect(_ datagram: [UInt8]) { output.append(datagram) }
}

private let clientDatagramSink: parley_datagram_sink = { argument, bytes, length in
    guard let argument, let bytes else { return }
    Unmanaged<DTLSClientSession>.fromOpaque(argument).takeUnretainedValue()
        .collect(Array(UnsafeBufferPointer(start: bytes, count: length)))
}
