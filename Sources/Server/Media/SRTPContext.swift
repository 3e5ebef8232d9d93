import CSRTP

/// Why libsrtp refused a packet. Every failure is a value; nothing traps.
public enum SRTPError: Error, Sendable, Hashable {
    /// The authentication tag did not verify (tampered, wrong key, or a desynchronised ROC).
    case authenticationFailed
    /// The packet index was already seen or fell behind the replay window (RFC 3711 §3.3.2).
    case replayed
    /// Too short, too long, or a header libsrtp cannot parse.
    case badLength
    /// A key or salt of the wrong size for the profile.
    case badKey
    /// Any other libsrtp status (srtp_err_status_t raw value).
    case libsrtp(Int32)
}

/// Which way an `SRTPContext` works: outbound protects what this side sends, inbound unprotects what it gets.
public enum SRTPDirection: Sendable, Hashable {
    case inbound, outbound
}

/// One SRTP session for one direction, any SSRC, keyed with a master key and salt (RFC 3711 §8): libsrtp's
/// srtp_t, or OpenSSL alone for outbound AES-CM/HMAC-SHA1-80.
///
/// Use a new outbound context per DTLS session: libsrtp keeps the SRTCP index per session, and reusing it with
/// new keys would repeat keystream. Not thread-safe: confine to one task or actor.
public final class SRTPContext {
    public let profile: SRTPProfile
    public let direction: SRTPDirection
    /// The libsrtp session; nil for an outbound AES-CM/HMAC-SHA1-80 context, which OpenSSL serves alone.
    let session: srtp_t?
    /// Outbound AES-CM/HMAC-SHA1 contexts protect RTP and RTCP with OpenSSL instead of libsrtp
    /// (``SRTPRTPProtector``, ``SRTCPProtector``).
    let rtpProtector: SRTPRTPProtector?
    let rtcpProtector: SRTCPProtector?
    /// Inbound AES-CM/HMAC-SHA1 contexts check SRTCP with OpenSSL (``SRTCPUnprotector``); libsrtp keeps
    /// inbound RTP, and is not created at all for a peer that sends none.
    let rtcpUnprotector: SRTCPUnprotector?

    /// Room libsrtp may append after a packet: the largest tag plus MKI (SRTP_MAX_TRAILER_LEN), plus the
    /// 4-byte SRTCP index.
    static let trailerSlack = 16 + 128 + 4
    /// Largest packet accepted: a UDP payload.
    static let maximumPacketLength = 65_535

    /// libsrtp keeps global tables; initialise them once, before the first session, on whichever thread. Another
    /// module of the same process (the conformance runner's client, in `swift test`) may have done it first: then
    /// libsrtp 2.5 refuses to load its debug module twice and answers bad_param, with the kernel ready.
    static let libraryReady: Bool = {
        let status = srtp_init()
        return status == srtp_err_status_ok || status == srtp_err_status_bad_param
    }()

    /// - Parameters:
    ///   - replayWindow: packets remembered for replay checks; aiortc uses 1024, libsrtp allows 64...32767.
    ///   - allowRetransmission: lets an outbound context protect the same RTP sequence number twice, which a
    ///     NACK resend of a cached packet needs (the payload must be identical).
    ///   - receivesRTP: false for an inbound context of a peer that sends only RTCP (a player): no RTP state.
    ///   - useOpenSSL: false keeps libsrtp for every packet (tests compare the two).
    init(
        profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8], direction: SRTPDirection,
        replayWindow: Int = 1024, allowRetransmission: Bool = true, receivesRTP: Bool = true, useOpenSSL: Bool
    ) throws(SRTPError) {
        guard Self.libraryReady else { throw .libsrtp(-1) }
        guard masterKey.count == profile.keyLength, masterSalt.count == profile.saltLength else { throw .badKey }
        guard (64...32_767).contains(replayWindow) else { throw .libsrtp(Int32(srtp_err_status_bad_param.rawValue)) }
        self.profile = profile
        self.direction = direction
        let openSSL = useOpenSSL && profile == .aes128CmHmacSha1_80
        switch direction {
        case .outbound where openSSL && allowRetransmission:
            rtpProtector = try SRTPRTPProtector(
                masterKey: masterKey, masterSalt: masterSalt, replayWindow: replayWindow)
            rtcpProtector = try SRTCPProtector(masterKey: masterKey, masterSalt: masterSalt)
            rtcpUnprotector = nil
            session = nil
            return
        case .inbound where openSSL:
            rtpProtector = nil
            rtcpProtector = nil
            rtcpUnprotector = try SRTCPUnprotector(masterKey: masterKey, masterSalt: masterSalt)
            guard receivesRTP else {
                session = nil
                return
            }
        default:
            rtpProtector = nil
            rtcpProtector = nil
            rtcpUnprotector = nil
        }

        var policy = srtp_policy_t()
        let libProfile = srtp_profile_t(rawValue: UInt32(profile.rawValue))
        guard srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, libProfile) == srtp_err_status_ok,
            srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, libProfile) == srtp_err_status_ok
        else { throw .libsrtp(Int32(srtp_err_status_bad_param.rawValue)) }
        policy.ssrc.type = direction == .inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = UInt(replayWindow)
        policy.allow_repeat_tx = allowRetransmission ? 1 : 0
        policy.next = nil

        var keyAndSalt = masterKey + masterSalt // libsrtp wants key ‖ salt in one buffer
        var created: srtp_t? = nil
        let status = keyAndSalt.withUnsafeMutableBufferPointer { buffer -> srtp_err_status_t in
            policy.key = buffer.baseAddress
            return srtp_create(&created, &policy)
        }
        for index in keyAndSalt.indices { keyAndSalt[index] = 0 }
        guard status == srtp_err_status_ok, let created else { throw Self.error(status) }
        self.session = created
    }

    public convenience init(
        profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8], direction: SRTPDirection,
        replayWindow: Int = 1024, allowRetransmission: Bool = true, receivesRTP: Bool = true
    ) throws(SRTPError) {
        try self.init(
            profile: profile, masterKey: masterKey, masterSalt: masterSalt, direction: direction,
            replayWindow: replayWindow, allowRetransmission: allowRetransmission, receivesRTP: receivesRTP,
            useOpenSSL: true)
    }

    deinit {
        if let session { srtp_dealloc(session) }
    }

    /// RTP → SRTP (RFC 3711 §3.3). Needs an outbound context.
    public func protectRTP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        guard packet.count >= 12 else { throw .badLength }
        guard let rtpProtector else { return try run(packet) { srtp_protect($0, $1, $2) } }
        return try Self.protectedCopy(of: packet, trailer: SRTPRTPProtector.tagLength) {
            raw, length throws(SRTPError) in
            try rtpProtector.protect(raw, length: length)
        }
    }

    /// RTP → SRTP in the caller's buffer (RFC 3711 §3.3): the first `length` bytes are the packet, and the tag is
    /// appended after them, so `buffer` needs `profile.rtpTagLength` bytes of room past `length`. Returns the
    /// protected length. The forwarding path encrypts each subscriber's copy where it was built, without a copy.
    public func protectRTP(inPlace buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length >= 12, length <= Self.maximumPacketLength, let base = buffer.baseAddress,
            buffer.count >= length + profile.rtpTagLength
        else { throw .badLength }
        if let rtpProtector { return try rtpProtector.protect(buffer, length: length) }
        guard let session else { throw .libsrtp(-1) }
        var protectedLength = Int32(length)
        let status = srtp_protect(session, base, &protectedLength)
        guard status == srtp_err_status_ok else { throw Self.error(status) }
        guard protectedLength >= 0, Int(protectedLength) <= buffer.count else { throw .badLength }
        return Int(protectedLength)
    }

    /// SRTP → RTP (RFC 3711 §3.4). Needs an inbound context.
    public func unprotectRTP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        guard packet.count >= 12 + profile.rtpTagLength else { throw .badLength }
        return try run(packet) { srtp_unprotect($0, $1, $2) }
    }

    /// RTCP → SRTCP (RFC 3711 §3.4): appends E-flag + index and the tag.
    public func protectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        guard packet.count >= 8 else { throw .badLength }
        guard let rtcpProtector else { return try run(packet) { srtp_protect_rtcp($0, $1, $2) } }
        return try Self.protectedCopy(of: packet, trailer: SRTCPProtector.overhead) { raw, length throws(SRTPError) in
            try rtcpProtector.protect(raw, length: length)
        }
    }

    /// A copy of `packet` with `trailer` bytes of room, protected in place by `protect` (given the buffer and the
    /// packet's length, it returns the protected length), cut to that length.
    private static func protectedCopy(
        of packet: [UInt8], trailer: Int,
        _ protect: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int
    ) throws(SRTPError) -> [UInt8] {
        guard packet.count <= maximumPacketLength else { throw .badLength }
        var buffer = packet
        buffer.append(contentsOf: repeatElement(0, count: trailer))
        let protected = buffer.withUnsafeMutableBytes { raw -> Result<Int, SRTPError> in
            do throws(SRTPError) {
                return .success(try protect(raw, packet.count))
            } catch {
                return .failure(error)
            }
        }
        buffer.removeLast(buffer.count - (try protected.get()))
        return buffer
    }

    /// SRTCP → RTCP.
    public func unprotectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        guard packet.count >= 8 + 4 + profile.rtpTagLength else { throw .badLength }
        if let rtcpUnprotector { return try rtcpUnprotector.unprotect(packet) }
        return try run(packet) { srtp_unprotect_rtcp($0, $1, $2) }
    }

    private func run(
        _ packet: [UInt8],
        _ operation: (srtp_t, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) -> [UInt8] {
        guard packet.count <= Self.maximumPacketLength else { throw .badLength }
        guard let session else { throw .libsrtp(Int32(srtp_err_status_no_ctx.rawValue)) }
        // In-place API: the buffer must have room for the trailer libsrtp appends.
        var buffer = packet
        buffer.append(contentsOf: repeatElement(0, count: Self.trailerSlack))
        var length = Int32(packet.count)
        let status = buffer.withUnsafeMutableBytes { raw -> srtp_err_status_t in
            guard let base = raw.baseAddress else { return srtp_err_status_bad_param }
            return operation(session, base, &length)
        }
        guard status == srtp_err_status_ok else { throw Self.error(status) }
        guard length >= 0, Int(length) <= buffer.count else { throw .badLength }
        buffer.removeLast(buffer.count - Int(length))
        return buffer
    }

    static func error(_ status: srtp_err_status_t) -> SRTPError {
        switch status {
        case srtp_err_status_auth_fail: .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: .replayed
        case srtp_err_status_bad_param, srtp_err_status_parse_err: .badLength
        default: .libsrtp(Int32(bitPattern: status.rawValue))
        }
    }
}

extension SRTPContext {
    /// The pair of contexts one DTLS-SRTP endpoint needs: outbound with its own key half, inbound with the
    /// peer's (RFC 5764 §4.2).
    /// `receivesRTP`: false when the peer only receives media (its inbound context keys SRTCP alone).
    public static func pair(
        for material: SRTPKeyingMaterial, role: DTLSRole, receivesRTP: Bool = true
    ) throws(SRTPError) -> (outbound: SRTPContext, inbound: SRTPContext) {
        let local = material.localMasterKey(for: role)
        let remote = material.remoteMasterKey(for: role)
        let outbound = try SRTPContext(
            profile: material.profile, masterKey: local.key, masterSalt: local.salt,
            direction: .outbound)
        let inbound = try SRTPContext(
            profile: material.profile, masterKey: remote.key, masterSalt: remote.salt,
            direction: .inbound, receivesRTP: receivesRTP)
        return (outbound, inbound)
    }
}
