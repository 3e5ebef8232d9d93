import COpenSSL

/// SRTP protection of outgoing RTP for AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1 AES-CM, §4.2.1 HMAC-SHA1) on
/// OpenSSL's EVP, which uses AES-NI and SHA extensions. It replaces libsrtp for this one operation because the
/// libsrtp that Debian ships is built on NSS, whose PKCS#11 path costs ~5 µs per packet against OpenSSL's
/// ~0.8 µs, and the forwarding path protects every packet once per player. libsrtp keeps SRTCP and inbound
/// packets. The index of each SSRC is estimated exactly as libsrtp's sender does (RFC 3711 §3.3.1, Appendix A),
/// so the bytes are the same as libsrtp's (tests compare them).
///
/// Not thread-safe: confine to one task or actor, like the `SRTPContext` that owns it.
final class SRTPRTPProtector {
    static let tagLength = 10

    /// Per SSRC: the highest index sent (ROC ‖ SEQ, 48 bits). A player has at most three SSRCs (audio, video,
    /// RTX): a linear scan.
    private var streams: [(ssrc: UInt32, index: UInt64)] = []
    private let replayWindow: Int
    private let sessionSalt: [UInt8]
    private let cipher: OpaquePointer
    private let mac: OpaquePointer
    /// The per-packet IV (RFC 3711 §4.1.1), rebuilt in place for each packet.
    private var iv = [UInt8](repeating: 0, count: 16)
    private var digest = [UInt8](repeating: 0, count: 20)

    /// Derives the session keys (RFC 3711 §4.3.1, key derivation rate 0) and keys OpenSSL with them.
    init(masterKey: [UInt8], masterSalt: [UInt8], replayWindow: Int) throws(SRTPError) {
        guard masterKey.count == 16, masterSalt.count == 14 else { throw .badKey }
        // libsrtp rounds its replay bitmap up to whole 32-bit words.
        self.replayWindow = (replayWindow + 31) & ~31
        var encryptionKey = try Self.derive(label: 0x00, count: 16, masterKey: masterKey, masterSalt: masterSalt)
        var authenticationKey = try Self.derive(label: 0x01, count: 20, masterKey: masterKey, masterSalt: masterSalt)
        sessionSalt = try Self.derive(label: 0x02, count: 14, masterKey: masterKey, masterSalt: masterSalt)
        defer {
            for index in encryptionKey.indices { encryptionKey[index] = 0 }
            for index in authenticationKey.indices { authenticationKey[index] = 0 }
        }
        guard let cipher = EVP_CIPHER_CTX_new() else { throw .libsrtp(-1) }
        guard EVP_EncryptInit_ex(cipher, EVP_aes_128_ctr(), nil, encryptionKey, iv) == 1,
            let algorithm = EVP_MAC_fetch(nil, "HMAC", nil)
        else {
            EVP_CIPHER_CTX_free(cipher)
            throw .libsrtp(-1)
        }
        let context = EVP_MAC_CTX_new(algorithm)
        EVP_MAC_free(algorithm)
        guard let context else {
            EVP_CIPHER_CTX_free(cipher)
            throw .libsrtp(-1)
        }
        let keyed = "SHA1".withCString { name -> Bool in
            var parameters = [
                OSSL_PARAM_construct_utf8_string("digest", UnsafeMutablePointer(mutating: name), 0),
                OSSL_PARAM_construct_end(),
            ]
            return EVP_MAC_init(context, authenticationKey, authenticationKey.count, &parameters) == 1
        }
        guard keyed else {
            EVP_MAC_CTX_free(context)
            EVP_CIPHER_CTX_free(cipher)
            throw .libsrtp(-1)
        }
        self.cipher = cipher
        self.mac = context
    }

    deinit {
        EVP_CIPHER_CTX_free(cipher)
        EVP_MAC_CTX_free(mac)
    }

    /// RFC 3711 §4.3.3 AES-CM PRF: the keystream under the master key with IV = (salt XOR label at byte 7) ‖ 0x0000.
    static func derive(label: UInt8, count: Int, masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError) -> [UInt8] {
        var iv = masterSalt + [0, 0]
        iv[7] ^= label
        guard let context = EVP_CIPHER_CTX_new() else { throw .libsrtp(-1) }
        defer { EVP_CIPHER_CTX_free(context) }
        let zeros = [UInt8](repeating: 0, count: count)
        var output = [UInt8](repeating: 0, count: count)
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, masterKey, iv) == 1,
            EVP_EncryptUpdate(context, &output, &written, zeros, Int32(count)) == 1, written == Int32(count)
        else { throw .libsrtp(-1) }
        return output
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

        // IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16) (RFC 3711 §4.1.1).
        for position in 0..<14 { iv[position] = sessionSalt[position] }
        iv[14] = 0
        iv[15] = 0
        for position in 0..<4 { iv[4 + position] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * position)) }
        for position in 0..<6 { iv[8 + position] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * position)) }
        let payloadLength = length - headerLength
        if payloadLength > 0 {
            var written: Int32 = 0
            guard EVP_EncryptInit_ex(cipher, nil, nil, nil, iv) == 1,
                EVP_EncryptUpdate(cipher, base + headerLength, &written, base + headerLength, Int32(payloadLength))
                    == 1, written == Int32(payloadLength)
            else { throw .libsrtp(-1) }
        }

        // Tag = HMAC-SHA1(k_a, header ‖ encrypted payload ‖ ROC), first 80 bits (RFC 3711 §4.2).
        let roc = UInt32(truncatingIfNeeded: index >> 16)
        var rocBytes = roc.bigEndian
        var digestLength = 0
        let authenticated = withUnsafeBytes(of: &rocBytes) { rocRaw in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_MAC_init(mac, nil, 0, nil) == 1 && EVP_MAC_update(mac, base, length) == 1
                    && EVP_MAC_update(mac, rocRaw.baseAddress?.assumingMemoryBound(to: UInt8.self), 4) == 1
                    && EVP_MAC_final(mac, out.baseAddress, &digestLength, out.count) == 1
            }
        }
        guard authenticated, digestLength == 20 else { throw .libsrtp(-1) }
        for position in 0..<Self.tagLength { base[length + position] = digest[position] }
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
