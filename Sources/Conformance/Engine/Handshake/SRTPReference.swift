import COpenSSL
import ParleyCrypto

/// SRTP computed step by step from the RFCs with OpenSSL's raw AES (no libsrtp), so the offline tier can hold the
/// runner's libsrtp contexts and the published vectors against an independent construction.
enum SRTPReference {
    /// AES-128 in counter mode from `iv` (RFC 3711 §4.1.1) over `count` zero bytes: the keystream.
    static func keystream(key: [UInt8], iv: [UInt8], count: Int) -> [UInt8]? {
        crypt(cipher: EVP_aes_128_ctr(), key: key, iv: iv, input: [UInt8](repeating: 0, count: count))
    }

    /// RFC 3711 §4.3.1 with key_derivation_rate 0: keystream under the master key from
    /// IV = (master salt XOR label at octet 7) ‖ 0x0000.
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, count: Int) -> [UInt8]? {
        guard masterSalt.count == 14 else { return nil }
        var iv = masterSalt + [0, 0]
        iv[7] ^= label
        return keystream(key: masterKey, iv: iv, count: count)
    }

    /// AES_CM_128_HMAC_SHA1_80 protection of `packet` (a 12-byte header, no CSRC or extension, ROC 0):
    /// §4.1.1 IV = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16), §4.2 tag = HMAC-SHA1 over header ‖
    /// ciphertext ‖ ROC, 80 bits.
    static func protectAESCM(_ packet: [UInt8], masterKey: [UInt8], masterSalt: [UInt8]) -> [UInt8]? {
        guard packet.count > 12, let key = derive(masterKey: masterKey, masterSalt: masterSalt, label: 0, count: 16),
            let salt = derive(masterKey: masterKey, masterSalt: masterSalt, label: 2, count: 14),
            let auth = derive(masterKey: masterKey, masterSalt: masterSalt, label: 1, count: 20)
        else { return nil }
        let header = Array(packet[0..<12])
        var iv = salt + [0, 0]
        for offset in 0..<4 { iv[4 + offset] ^= header[8 + offset] }
        iv[12] ^= header[2]
        iv[13] ^= header[3]
        let payload = Array(packet[12...])
        guard let stream = keystream(key: key, iv: iv, count: payload.count) else { return nil }
        let ciphertext = zip(payload, stream).map { $0 ^ $1 }
        let tag = HMAC.sha1(key: auth, message: header + ciphertext + [0, 0, 0, 0]).prefix(10)
        return header + ciphertext + tag
    }

    /// RFC 7714 §8.1: IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) XOR the 12-byte session salt.
    static func gcmIV(salt: [UInt8], ssrc: UInt32, roc: UInt32 = 0, sequence: UInt16) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 12)
        for i in 0..<4 { block[2 + i] = UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * UInt32(i))) }
        for i in 0..<4 { block[6 + i] = UInt8(truncatingIfNeeded: roc >> (24 - 8 * UInt32(i))) }
        block[10] = UInt8(sequence >> 8)
        block[11] = UInt8(truncatingIfNeeded: sequence)
        return zip(block, salt).map { $0 ^ $1 }
    }

    /// AEAD_AES_128_GCM SRTP (RFC 7714 §8.2: the header is the associated data, 16-byte tag appended) with a
    /// session key and salt as §16 prints them.
    static func protectGCM(_ packet: [UInt8], sessionKey: [UInt8], sessionSalt: [UInt8]) -> [UInt8]? {
        guard packet.count > 12 else { return nil }
        let header = Array(packet[0..<12])
        let iv = gcmIV(
            salt: sessionSalt, ssrc: header[8..<12].reduce(0) { $0 << 8 | UInt32($1) },
            sequence: UInt16(header[2]) << 8 | UInt16(header[3]))
        guard let sealed = gcm(encrypt: true, key: sessionKey, iv: iv, aad: header, input: Array(packet[12...]))
        else { return nil }
        return header + sealed
    }

    /// Opens an AEAD_AES_128_GCM packet; nil when the tag does not verify (RFC 7714 §8.3).
    static func openGCM(_ packet: [UInt8], sessionKey: [UInt8], sessionSalt: [UInt8]) -> [UInt8]? {
        guard packet.count > 12 + 16 else { return nil }
        let header = Array(packet[0..<12])
        let iv = gcmIV(
            salt: sessionSalt, ssrc: header[8..<12].reduce(0) { $0 << 8 | UInt32($1) },
            sequence: UInt16(header[2]) << 8 | UInt16(header[3]))
        guard let plain = gcm(encrypt: false, key: sessionKey, iv: iv, aad: header, input: Array(packet[12...])) else {
            return nil
        }
        return header + plain
    }

    // MARK: - OpenSSL

    static func crypt(cipher: OpaquePointer?, key: [UInt8], iv: [UInt8], input: [UInt8]) -> [UInt8]? {
        guard let ctx = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_EncryptInit_ex(ctx, cipher, nil, key, iv) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: input.count + 16)
        var length: Int32 = 0
        guard EVP_EncryptUpdate(ctx, &out, &length, input, Int32(input.count)) == 1 else { return nil }
        return Array(out[0..<Int(length)])
    }

    /// GCM with a 12-byte IV; encrypting returns ciphertext ‖ tag, decrypting takes it and checks the tag.
    static func gcm(encrypt: Bool, key: [UInt8], iv: [UInt8], aad: [UInt8], input: [UInt8]) -> [UInt8]? {
        guard let ctx = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let body = encrypt ? input : Array(input.dropLast(16))
        var tag = encrypt ? [UInt8](repeating: 0, count: 16) : Array(input.suffix(16))
        guard EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), nil, nil, nil, encrypt ? 1 : 0) == 1,
            EVP_CIPHER_CTX_ctrl(ctx, Self.setIVLength, 12, nil) == 1,
            EVP_CipherInit_ex(ctx, nil, nil, key, iv, encrypt ? 1 : 0) == 1
        else { return nil }
        var length: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_CipherUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: body.count + 16)
        guard EVP_CipherUpdate(ctx, &out, &length, body, Int32(body.count)) == 1 else { return nil }
        let produced = Int(length)
        if !encrypt {
            guard EVP_CIPHER_CTX_ctrl(ctx, Self.setTag, 16, &tag) == 1 else { return nil }
        }
        guard EVP_CipherFinal_ex(ctx, &scratch, &length) == 1 else { return nil }
        if encrypt {
            guard EVP_CIPHER_CTX_ctrl(ctx, Self.getTag, 16, &tag) == 1 else { return nil }
            return Array(out[0..<produced]) + tag
        }
        return Array(out[0..<produced])
    }

    // EVP_CTRL_AEAD_SET_IVLEN, EVP_CTRL_AEAD_GET_TAG, EVP_CTRL_AEAD_SET_TAG (openssl/evp.h).
    static let setIVLength: Int32 = 0x9
    static let getTag: Int32 = 0x10
    static let setTag: Int32 = 0x11
}
