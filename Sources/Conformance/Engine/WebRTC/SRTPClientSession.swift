import CSRTP

/// Why libsrtp refused a packet: the raw `srtp_err_status_t` (RFC 3711 §3.3 authentication or replay failure).
public struct SRTPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public let status: UInt32
    public var description: String { "libsrtp status \(status)" }
}

/// The runner's SRTP/SRTCP for one session (RFC 3711; AEAD-GCM RFC 7714): an outbound and an inbound libsrtp
/// context keyed from the DTLS export, and one scratch buffer so protecting a packet allocates only its result.
/// Confined to the media loop.
public final class SRTPClientSession {
    let outbound: srtp_t
    let inbound: srtp_t
    var scratch = [UInt8](repeating: 0, count: 1_600)

    /// Once per process. The server's SRTP may have initialised libsrtp first (both run in `swift test`): libsrtp 2.5
    /// then answers bad_param (its debug module is loaded already) with the kernel ready.
    static let initialised: Bool = {
        let status = srtp_init()
        return status == srtp_err_status_ok || status == srtp_err_status_bad_param
    }()

    public init(keys: ExportedSRTPKeys) throws(SRTPFailure) {
        guard Self.initialised else { throw SRTPFailure(status: UInt32(srtp_err_status_init_fail.rawValue)) }
        outbound = try Self.create(profileID: keys.profileID, keyAndSalt: keys.localKeyAndSalt, sending: true)
        do {
            inbound = try Self.create(profileID: keys.profileID, keyAndSalt: keys.remoteKeyAndSalt, sending: false)
        } catch {
            srtp_dealloc(outbound)
            throw error
        }
    }

    deinit {
        srtp_dealloc(outbound)
        srtp_dealloc(inbound)
    }

    public func protectRTP(_ packet: [UInt8]) throws(SRTPFailure) -> [UInt8] {
        try transform(packet, grow: true) { srtp_protect(outbound, $0, $1) }
    }

    public func protectRTCP(_ packet: [UInt8]) throws(SRTPFailure) -> [UInt8] {
        try transform(packet, grow: true) { srtp_protect_rtcp(outbound, $0, $1) }
    }

    public func unprotectRTP(_ packet: [UInt8]) throws(SRTPFailure) -> [UInt8] {
        try transform(packet, grow: false) { srtp_unprotect(inbound, $0, $1) }
    }

    public func unprotectRTCP(_ packet: [UInt8]) throws(SRTPFailure) -> [UInt8] {
        try transform(packet, grow: false) { srtp_unprotect_rtcp(inbound, $0, $1) }
    }

    // MARK: - internals

    /// Copies into the scratch buffer (with room for the auth tag and SRTCP index when protecting) and runs
    /// libsrtp in place there.
    func transform(
        _ packet: [UInt8], grow: Bool,
        _ operation: (UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPFailure) -> [UInt8] {
        let needed = packet.count + (grow ? Int(SRTP_MAX_TRAILER_LEN) : 0)
        guard packet.count >= 8, needed <= 65_535 else {
            throw SRTPFailure(status: UInt32(srtp_err_status_bad_param.rawValue))
        }
        if scratch.count < needed { scratch = [UInt8](repeating: 0, count: needed) }
        var length = Int32(packet.count)
        let status = scratch.withUnsafeMutableBytes { raw -> srtp_err_status_t in
            packet.withUnsafeBytes { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: packet.count) }
            return operation(raw.baseAddress!, &length)
        }
        guard status == srtp_err_status_ok else { throw SRTPFailure(status: UInt32(status.rawValue)) }
        return Array(scratch[0..<Int(length)])
    }

    static func create(profileID: UInt16, keyAndSalt: [UInt8], sending: Bool) throws(SRTPFailure) -> srtp_t {
        var policy = srtp_policy_t()
        let profile = srtp_profile_t(rawValue: UInt32(profileID))
        guard srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile) == srtp_err_status_ok,
            srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile) == srtp_err_status_ok
        else { throw SRTPFailure(status: UInt32(srtp_err_status_bad_param.rawValue)) }
        policy.ssrc.type = sending ? ssrc_any_outbound : ssrc_any_inbound
        policy.window_size = 1024
        policy.next = nil
        var material = keyAndSalt
        var session: srtp_t? = nil
        let status = material.withUnsafeMutableBufferPointer { buffer -> srtp_err_status_t in
            policy.key = buffer.baseAddress
            return srtp_create(&session, &policy)
        }
        guard status == srtp_err_status_ok, let session else { throw SRTPFailure(status: UInt32(status.rawValue)) }
        return session
    }
}
