import COpenSSL
import CShims
import ParleyCrypto

/// Where a DTLS association stands.
public enum DTLSState: Sendable, Hashable {
    case handshaking
    case connected
    case failed(String)
    case closed
}

/// What one input changed, for callers that prefer events to polling `state`.
public enum DTLSEvent: Sendable, Hashable {
    /// The handshake finished, the peer's fingerprint matched and SRTP keys were exported.
    case connected(SRTPKeyingMaterial)
    /// Decrypted application data (the WebRTC data channel's SCTP packets, RFC 8261).
    case applicationData([UInt8])
    case failed(String)
    /// The peer sent close_notify (RFC 5246 §7.2.1).
    case closed
}

/// Retransmission schedule for handshake flights (RFC 6347 §4.2.4.1: start at ≤1 s, double, cap).
public struct DTLSRetransmission: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    /// mediasoup's choice: 100 ms then doubling up to 4 s; Chrome starts at 50 ms.
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(4)) {
        self.initial = initial
        self.maximum = maximum
    }
}

/// A sans-IO DTLS 1.2 endpoint (RFC 6347) for DTLS-SRTP (RFC 5764) over OpenSSL memory BIOs.
///
/// Feed received datagrams to `handle(datagram:now:)`, send whatever `pollOutput()` returns (one DTLS datagram
/// each, at most `mtu` bytes), and call `handleTimeout(now:)` once `pollTimeout()` is reached. The client's
/// ClientHello is ready in `pollOutput()` right after `init`.
///
/// Timers: the retransmission deadline is kept in the caller's `MediaTime`. OpenSSL also keeps its own
/// wall-clock timer of the same length and retransmits only when that has run out too; if the caller's clock
/// runs ahead of the wall clock (virtual time in tests), `handleTimeout` re-arms for the wall-clock remainder.
///
/// Not thread-safe: confine an endpoint to one task or actor.
public final class DTLSEndpoint {
    public let role: DTLSRole
    public let mtu: Int
    public private(set) var state: DTLSState = .handshaking
    /// Set once connected: the exported key block and the negotiated profile.
    public private(set) var srtpKeyingMaterial: SRTPKeyingMaterial?
    /// SHA-256 fingerprint of the certificate the peer presented, once it did.
    public private(set) var remoteCertificateFingerprint: CertificateFingerprint?

    public var negotiatedProfile: SRTPProfile? { srtpKeyingMaterial?.profile }

    let context: DTLSContext
    let ssl: OpaquePointer
    let readBIO: OpaquePointer
    let writeBIO: OpaquePointer
    let expectedFingerprints: [CertificateFingerprint]
    let retransmission: DTLSRetransmission
    var outbox: [[UInt8]] = []
    var outboxHead = 0
    /// The `now` of the call in progress, for the timer callback OpenSSL makes from inside it.
    var currentTime: MediaTime
    var retransmitDeadline: MediaTime?
    var retransmitInterval: Duration
    var verificationFailure: String?

    /// - Parameters:
    ///   - remoteFingerprints: the peer's `a=fingerprint` values; every one whose hash this side knows must
    ///     match the peer's certificate (aiortc sends sha-256/384/512 and checks alike), and at least one must.
    public init(
        context: DTLSContext, role: DTLSRole, remoteFingerprints: [CertificateFingerprint], now: MediaTime,
        mtu: Int = 1200, retransmission: DTLSRetransmission = DTLSRetransmission()
    ) throws {
        guard !remoteFingerprints.isEmpty else { throw DTLSSetupError.noRemoteFingerprint }
        guard let ssl = SSL_new(context.pointer) else { throw OpenSSLError("SSL_new") }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLError("BIO_new")
        }
        // An empty read BIO means "wait for the next datagram", not end of stream.
        _ = parley_bio_set_mem_eof_return(readBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO) // the SSL owns both BIOs from here on

        self.context = context
        self.role = role
        self.mtu = mtu
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.expectedFingerprints = remoteFingerprints
        self.retransmission = retransmission
        self.currentTime = now
        self.retransmitInterval = retransmission.initial

        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = parley_ssl_set_app_data(ssl, me)
        parley_bio_capture_writes(writeBIO, dtlsDatagramSink, me)
        _ = parley_ssl_set_options_no_query_mtu(ssl)
        // OpenSSL re-derives the datagram MTU from the link MTU minus the BIO's UDP/IP overhead at each
        // handshake; a memory BIO reports no overhead, so both are the datagram size.
        _ = parley_dtls_set_link_mtu(ssl, mtu)
        _ = parley_ssl_set_mtu(ssl, mtu)
        DTLS_set_timer_cb(ssl, dtlsTimerCallback)

        switch role {
        case .client:
            SSL_set_connect_state(ssl)
            advanceHandshake()
        case .server:
            SSL_set_accept_state(ssl)
        }
    }

    deinit { SSL_free(ssl) }

    /// The next datagram to send, oldest first; nil when nothing is queued.
    public func pollOutput() -> [UInt8]? {
        guard outboxHead < outbox.count else { return nil }
        let datagram = outbox[outboxHead]
        outboxHead += 1
        if outboxHead == outbox.count {
            outbox.removeAll(keepingCapacity: true)
            outboxHead = 0
        }
        return datagram
    }

    /// When `handleTimeout` should next be called; nil while no flight awaits an answer.
    public func pollTimeout() -> MediaTime? {
        guard state == .handshaking || state == .connected else { return nil }
        var remaining = timeval()
        guard parley_dtls_get_timeout(ssl, &remaining) == 1 else { return nil }
        return retransmitDeadline
    }

    /// Retransmits the last flight if its deadline has passed (DTLSv1_handle_timeout).
    public func handleTimeout(now: MediaTime) {
        currentTime = now
        guard state == .handshaking || state == .connected,
            let deadline = retransmitDeadline, now >= deadline
        else { return }
        let result = parley_dtls_handle_timeout(ssl)
        if result < 0 {
            fail("DTLS retransmission limit reached: \(OpenSSLError.drainQueue().joined(separator: "; "))")
        } else if result == 0 {
            // OpenSSL's wall clock says not yet: wait for its remainder (at least 1 ms, so callers never spin).
            var remaining = timeval()
            if parley_dtls_get_timeout(ssl, &remaining) == 1 {
                let wait = Duration.seconds(Int64(remaining.tv_sec)) + .microseconds(Int64(remaining.tv_usec))
                retransmitDeadline = now + max(wait, .milliseconds(1))
            } else {
                retransmitDeadline = nil
            }
        }
        clearWriteBIO()
    }

    /// Processes one received DTLS datagram (first byte 20...63, RFC 7983 §7).
    @discardableResult
    public func handle(datagram: [UInt8], now: MediaTime) -> [DTLSEvent] {
        currentTime = now
        guard state == .handshaking || state == .connected, !datagram.isEmpty,
            datagram.count <= Int(Int32.max)
        else { return [] }
        let written = datagram.withUnsafeBytes { BIO_write(readBIO, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(datagram.count) else { return [] }
        var events: [DTLSEvent] = []
        if state == .handshaking {
            events += advanceHandshake()
        }
        if state == .connected {
            events += readApplicationData()
        }
        _ = BIO_ctrl(readBIO, BIO_CTRL_RESET, 0, nil) // a rejected datagram must not poison the next one
        clearWriteBIO()
        return events
    }

    /// Encrypts application data (data channel SCTP) into datagrams on `pollOutput()`.
    public func send(applicationData: [UInt8]) throws(DTLSSendError) {
        guard state == .connected else { throw .notConnected }
        guard !applicationData.isEmpty else { return }
        let result = applicationData.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(clamping: $0.count)) }
        clearWriteBIO()
        guard result == Int32(applicationData.count) else {
            throw .openSSL(OpenSSLError.drainQueue().joined(separator: "; "))
        }
    }

    /// Sends close_notify (RFC 5246 §7.2.1) and stops; the alert is on `pollOutput()`.
    public func close(now: MediaTime) {
        currentTime = now
        guard state == .handshaking || state == .connected else { return }
        _ = SSL_shutdown(ssl)
        _ = OpenSSLError.drainQueue()
        clearWriteBIO()
        state = .closed
        retransmitDeadline = nil
    }

    // MARK: - internals

    @discardableResult
    func advanceHandshake() -> [DTLSEvent] {
        let result = SSL_do_handshake(ssl)
        clearWriteBIO()
        if result == 1 { return finishHandshake() }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE {
            _ = OpenSSLError.drainQueue()
            return []
        }
        let reason =
            verificationFailure ?? "DTLS handshake failed: \(OpenSSLError.drainQueue().joined(separator: "; "))"
        fail(reason)
        return [.failed(reason)]
    }

    func finishHandshake() -> [DTLSEvent] {
        // The verify callback checked the leaf already; check again in case OpenSSL skipped it (session reuse).
        guard let peer = SSL_get1_peer_certificate(ssl) else {
            return failing("peer sent no certificate")
        }
        defer { X509_free(peer) }
        guard let der = try? derEncoding(of: peer) else { return failing("peer certificate does not encode") }
        if let mismatch = fingerprintMismatch(der: der) { return failing(mismatch) }

        let profileID = parley_ssl_selected_srtp_profile_id(ssl)
        guard let profile = SRTPProfile(rawValue: UInt16(truncatingIfNeeded: profileID)), profileID <= 0xffff else {
            return failing("no supported SRTP profile negotiated (use_srtp id \(profileID))")
        }
        // RFC 5764 §4.2: 2 × (key + salt) bytes exported with the label "EXTRACTOR-dtls_srtp", no context.
        let label = Array("EXTRACTOR-dtls_srtp".utf8)
        var block = [UInt8](repeating: 0, count: 2 * (profile.keyLength + profile.saltLength))
        let exported = label.withUnsafeBufferPointer { labelBuffer in
            labelBuffer.withMemoryRebound(to: CChar.self) { labelChars in
                SSL_export_keying_material(
                    ssl, &block, block.count, labelChars.baseAddress, labelChars.count,
                    nil, 0, 0)
            }
        }
        guard exported == 1, let material = SRTPKeyingMaterial(profile: profile, exported: block) else {
            return failing("SSL_export_keying_material failed: \(OpenSSLError.drainQueue().joined(separator: "; "))")
        }
        srtpKeyingMaterial = material
        state = .connected
        retransmitDeadline = nil
        return [.connected(material)]
    }

    func readApplicationData() -> [DTLSEvent] {
        var events: [DTLSEvent] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let result = SSL_read(ssl, &buffer, Int32(buffer.count))
            if result > 0 {
                events.append(.applicationData(Array(buffer.prefix(Int(result)))))
                continue
            }
            let error = SSL_get_error(ssl, result)
            if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE {
                _ = OpenSSLError.drainQueue()
            } else if error == SSL_ERROR_ZERO_RETURN {
                state = .closed
                retransmitDeadline = nil
                events.append(.closed)
            } else {
                let reason = "DTLS read failed: \(OpenSSLError.drainQueue().joined(separator: "; "))"
                fail(reason)
                events.append(.failed(reason))
            }
            return events
        }
    }

    /// Nil when `der` matches every expected fingerprint (and so at least one), else the reason.
    func fingerprintMismatch(der: [UInt8]) -> String? {
        let actual = CertificateFingerprint(der: der)
        remoteCertificateFingerprint = actual
        for expected in expectedFingerprints where !expected.matches(der: der) {
            return "certificate fingerprint mismatch: expected \(expected.sdpValue), got \(actual.sdpValue)"
        }
        return nil
    }

    func failing(_ reason: String) -> [DTLSEvent] {
        fail(reason)
        return [.failed(reason)]
    }

    func fail(_ reason: String) {
        state = .failed(reason)
        retransmitDeadline = nil
    }

    /// Datagrams were captured by the write callback; the memory BIO's copy is not needed.
    func clearWriteBIO() {
        _ = BIO_ctrl(writeBIO, BIO_CTRL_RESET, 0, nil)
    }

    /// OpenSSL starts or backs off its flight timer; mirror it in caller time and return its length in µs.
    func timerStarted(previousMicroseconds: UInt32) -> UInt32 {
        if previousMicroseconds == 0 {
            retransmitInterval = retransmission.initial
        } else {
            retransmitInterval = min(retransmitInterval * 2, retransmission.maximum)
        }
        retransmitDeadline = currentTime + retransmitInterval
        return UInt32(clamping: retransmitInterval.nanosecondsClamped / 1000)
    }

    func captured(datagram: [UInt8]) { outbox.append(datagram) }
}

public enum DTLSSendError: Error, Sendable, Hashable {
    case notConnected
    case openSSL(String)
}

// MARK: - C callbacks (no captures: they find the endpoint through SSL app data / the BIO callback argument)

private func endpoint(of ssl: OpaquePointer?) -> DTLSEndpoint? {
    guard let ssl, let raw = parley_ssl_get_app_data(ssl) else { return nil }
    return Unmanaged<DTLSEndpoint>.fromOpaque(raw).takeUnretainedValue()
}

private let dtlsDatagramSink: parley_datagram_sink = { argument, bytes, length in
    guard let argument, let bytes else { return }
    let endpoint = Unmanaged<DTLSEndpoint>.fromOpaque(argument).takeUnretainedValue()
    endpoint.captured(datagram: Array(UnsafeBufferPointer(start: bytes, count: length)))
}

private let dtlsTimerCallback: DTLS_timer_cb = { ssl, previous in
    endpoint(of: ssl)?.timerStarted(previousMicroseconds: previous) ?? 1_000_000
}

/// WebRTC trusts the SDP fingerprint, not a CA (RFC 5763 §5): accept any chain, but check the leaf against the
/// expected fingerprints here so a mismatch aborts the handshake with an alert.
let dtlsVerifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, storeContext in
    guard let storeContext else { return 0 }
    guard X509_STORE_CTX_get_error_depth(storeContext) == 0 else { return 1 }
    guard let ssl = parley_ssl_from_store_ctx(storeContext), let endpoint = endpoint(of: ssl),
        let leaf = X509_STORE_CTX_get_current_cert(storeContext),
        let der = try? derEncoding(of: leaf)
    else { return 0 }
    if let mismatch = endpoint.fingerprintMismatch(der: der) {
        endpoint.verificationFailure = mismatch
        return 0
    }
    return 1
}
