/// SRTP protection of outgoing RTP for AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1 AES-CM, §4.2.1 HMAC-SHA1) on
/// OpenSSL's EVP, which uses AES-NI and SHA extensions. It replaces libsrtp for this one operation because the
/// libsrtp that Debian ships is built on NSS, whose PKCS#11 path costs ~5 µs per packet against OpenSSL's
/// ~0.8 µs, and the forwarding path protects every packet once per player. Outbound SRTCP is
/// ``SRTCPProtector``'s; libsrtp keeps inbound packets. The index of each SSRC is estimated exactly as libsrtp's sender does (RFC 3711 §3.3.1, Appendix A),
/// so the bytes are the same as libsrtp's (tests compare them).
///
/// Not thread-safe: confine to one task or actor, like the `SRTPContext` that owns it.
final class SRTPRTPProtector {
    static let tagLength = SRTPCipherKeys.tagLength

    /// Per SSRC: the highest index sent (ROC ‖ SEQ, 48 bits). A player has at most three SSRCs (audio, video,
    /// RTX): a linear scan.
    private var streams: [(ssrc: UInt32, index: UInt64)] = []
    private let replayWindow: Int
    /// SRTP's session keys (labels 0–2).
    private let keys: SRTPCipherKeys

    /// Derives the session keys (RFC 3711 §4.3.1, key derivation rate 0) and keys OpenSSL with them.
    init(masterKey: [UInt8], masterSalt: [UInt8], replayWindow: Int) throws(SRTPError) {
        // libsrtp rounds its replay bitmap up to whole 32-bit words.
        self.replayWindow = (replayWindow + 31) & ~31
        keys = try SRTPCipherKeys(masterKey: masterKey, masterSalt: masterSalt, labelBase: 0)
    }

    /// Protects the RTP packet in the first `length` bytes of `buffer` and appends the 80-bit tag; returns the
    /// new length. Retransmissions (an index sent before) are allowed, as with libsrtp's `allow_repeat_tx`;
    /// an index older than the replay window is refused as libsrtp's sender refuses it.
    func protect(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), length >= 12,
            buffer.count >= length + Self.tagLength
        else { throw .badLength }
        // RFC 3550 §5.1 layout: only the payload (and padding) is encrypted; CSRCs and extension stay clear.
        var headerLength = 12 + 4 * Int(base[0] & 0x0F)
        if base[0] & 0x10 != 0 {
            guard length >= headerLength + 4 else { throw .badLength }
            headerLength += 4 + 4 * (Int(base[headerLength + 2]) << 8 | Int(base[headerLength + 3]))
        }
        guard length >= headerLength else { throw .badLength }
        let sequence = UInt16(base[2]) << 8 | UInt16(base[3])
        let ssrc = UInt32(base[8]) << 24 | UInt32(base[9]) << 16 | UInt32(base[10]) << 8 | UInt32(base[11])
        let index = try nextIndex(ssrc: ssrc, sequence: sequence)
        try keys.encrypt(base + headerLength, count: length - headerLength, ssrc: ssrc, index: index)
        // Tag = HMAC-SHA1(k_a, header ‖ encrypted payload ‖ ROC), first 80 bits (RFC 3711 §4.2).
        try keys.authenticate(
            base, length: length, rolloverCounter: UInt32(truncatingIfNeeded: index >> 16), tag: base + length)
        return length + Self.tagLength
    }

    /// libsrtp's sender estimate (srtp_rdbx_estimate_index, srtp_index_guess): the ROC stays 0 while the highest
    /// index is at most 2^15; after that the index closest to the highest one sent. Records a newer index.
    private func nextIndex(ssrc: UInt32, sequence: UInt16) throws(SRTPError) -> UInt64 {
        guard let slot = streams.firstIndex(where: { $0.ssrc == ssrc }) else {
            streams.append((ssrc, UInt64(sequence)))
            return UInt64(sequence)
        }
        let highest = streams[slot].index
        let guess: UInt64
        let delta: Int
        if highest > 0x8000 {
            let roc = Int64(highest >> 16)
            let localSequence = Int64(highest & 0xFFFF)
            let s = Int64(sequence)
            var guessROC = roc
            var difference = s - localSequence
            if localSequence < 0x8000 {
                if s - localSequence > 0x8000 {
                    guessROC = roc - 1
                    difference -= 0x10000
                }
            } else if localSequence - 0x8000 > s {
                guessROC = roc + 1
                difference += 0x10000
            }
            guess = UInt64(truncatingIfNeeded: guessROC) << 16 | UInt64(sequence)
            delta = Int(difference)
        } else {
            guess = UInt64(sequence)
            delta = Int(sequence) - Int(highest)
        }
        if delta > 0 {
            streams[slot].index = guess
        } else if replayWindow - 1 + delta < 0 {
            throw .replayed
        }
        return guess
    }
}
