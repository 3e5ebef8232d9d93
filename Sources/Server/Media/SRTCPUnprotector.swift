import CSRTP

/// SRTCP verification and decryption of incoming RTCP for AES_CM_128_HMAC_SHA1_80 (RFC 3711 §3.4) on OpenSSL:
/// a player sends only RTCP (receiver reports, NACK, PLI), so its inbound context needs no libsrtp session
/// (Debian's is built on NSS: ~28 KB per session). Each SSRC keeps libsrtp's 128-packet replay window.
///
/// Not thread-safe: confine to the owner of the `SRTPContext`.
final class SRTCPUnprotector {
    /// Packets remembered behind the newest, per SSRC (libsrtp's srtp_rdb_t).
    static let replayWindow = 128
    /// SSRCs a peer may send RTCP from: a player uses one or two; more are refused, so the table stays bounded.
    static let maximumSources = 16

    /// SRTCP's session keys (labels 3–5, §4.3.2) from the peer's master key.
    private let keys: SRTPCipherKeys
    /// Per SSRC: the newest index accepted and which of the `replayWindow` indices up to it were seen (bit n:
    /// newest − n).
    private var windows: [(ssrc: UInt32, newest: UInt32, seen: UInt128)] = []
    private let tag = UnsafeMutablePointer<UInt8>.allocate(capacity: SRTPCipherKeys.tagLength)

    init(masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError) {
        keys = try SRTPCipherKeys(masterKey: masterKey, masterSalt: masterSalt, labelBase: 3)
        tag.initialize(repeating: 0, count: SRTPCipherKeys.tagLength)
    }

    deinit { tag.deallocate() }

    /// The RTCP compound packet inside `packet`: the tag is checked first (in constant time), then the replay
    /// window, then the payload after the first 8 bytes is decrypted when the E flag says it was encrypted.
    func unprotect(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        let tagLength = SRTPCipherKeys.tagLength
        guard packet.count >= 8 + SRTCPProtector.overhead else { throw .badLength }
        let trailerStart = packet.count - SRTCPProtector.overhead
        let tagStart = trailerStart + SRTCPProtector.trailerLength
        var plain = Array(packet[..<tagStart])
        let matches = try plain.withUnsafeMutableBufferPointer { buffer throws(SRTPError) -> Bool in
            guard let base = buffer.baseAddress else { throw SRTPError.badLength }
            try keys.authenticate(base, length: tagStart, rolloverCounter: nil, tag: tag)
            var difference: UInt8 = 0
            for position in 0..<tagLength { difference |= tag[position] ^ packet[tagStart + position] }
            return difference == 0
        }
        guard matches else { throw .authenticationFailed }
        let trailer =
            UInt32(packet[trailerStart]) << 24 | UInt32(packet[trailerStart + 1]) << 16
            | UInt32(packet[trailerStart + 2]) << 8 | UInt32(packet[trailerStart + 3])
        let index = trailer & 0x7FFF_FFFF
        let ssrc = UInt32(packet[4]) << 24 | UInt32(packet[5]) << 16 | UInt32(packet[6]) << 8 | UInt32(packet[7])
        let slot = try window(for: ssrc)
        if let slot {
            let newest = windows[slot].newest
            if index <= newest {
                let age = Int(newest - index)
                guard age < Self.replayWindow, windows[slot].seen & (UInt128(1) << age) == 0 else {
                    throw .replayed
                }
            }
        }
        if trailer & 0x8000_0000 != 0 {
            try plain.withUnsafeMutableBufferPointer { buffer throws(SRTPError) in
                guard let base = buffer.baseAddress else { throw SRTPError.badLength }
                try keys.encrypt(base + 8, count: trailerStart - 8, ssrc: ssrc, index: UInt64(index))
            }
        }
        record(index, ssrc: ssrc, slot: slot)
        plain.removeLast(SRTCPProtector.trailerLength)
        return plain
    }

    /// The SSRC's window, nil for a first packet; refuses a source beyond ``maximumSources``.
    private func window(for ssrc: UInt32) throws(SRTPError) -> Int? {
        if let slot = windows.firstIndex(where: { $0.ssrc == ssrc }) { return slot }
        guard windows.count < Self.maximumSources else { throw .libsrtp(Int32(srtp_err_status_no_ctx.rawValue)) }
        return nil
    }

    private func record(_ index: UInt32, ssrc: UInt32, slot: Int?) {
        guard let slot else {
            windows.append((ssrc, index, 1))
            return
        }
        let newest = windows[slot].newest
        if index > newest {
            let shift = Int(index - newest)
            windows[slot].seen = (shift >= Self.replayWindow ? 0 : windows[slot].seen << shift) | 1
            windows[slot].newest = index
        } else {
            windows[slot].seen |= UInt128(1) << Int(newest - index)
        }
    }
}
