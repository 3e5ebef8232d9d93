import COpenSSL
import CShims

/// One AES_CM_128_HMAC_SHA1_80 key set of an outbound SRTP context, derived from the master key (RFC 3711 §4.3.1,
/// key derivation rate 0): SRTP's labels 0–2 or SRTCP's 3–5 (§4.3.2). AES-CM's keystream is the packet's
/// counter blocks encrypted with OpenSSL's AES-128-ECB, keyed once (re-arming a CTR context with each packet's IV
/// cost more than encrypting); HMAC-SHA1 starts from inner and outer states hashed once (CShims hmac_sha1.c), so
/// a packet costs no allocation.
///
/// Not thread-safe: confine to the owner of the `SRTPContext`.
final class SRTPCipherKeys {
    /// HMAC-SHA1-80 (§4.2.1, §5.2): the first 80 bits of the digest.
    static let tagLength = 10

    /// Counter blocks encrypted per call: a 1,024-byte stretch of keystream (an Opus packet needs one call).
    static let chunkBlocks = 64

    private let cipher: OpaquePointer
    private let mac: UnsafeMutablePointer<parley_hmac_sha1_key>
    /// k_s, the 14-byte session salt.
    private let salt = UnsafeMutablePointer<UInt8>.allocate(capacity: 14)
    /// Scratch allocated once: counter blocks, their keystream and the full digest.
    private let counters = UnsafeMutablePointer<UInt8>.allocate(capacity: 16 * chunkBlocks)
    private let keystream = UnsafeMutablePointer<UInt8>.allocate(capacity: 16 * chunkBlocks)
    private let digest = UnsafeMutablePointer<UInt8>.allocate(capacity: 20)

    /// Derives and keys the encryption, authentication and salt keys of labels `base`, `base + 1`, `base + 2`.
    init(masterKey: [UInt8], masterSalt: [UInt8], labelBase: UInt8) throws(SRTPError) {
        guard masterKey.count == 16, masterSalt.count == 14 else { throw .badKey }
        var encryptionKey = try Self.derive(label: labelBase, count: 16, masterKey: masterKey, masterSalt: masterSalt)
        var authenticationKey = try Self.derive(
            label: labelBase + 1, count: 20, masterKey: masterKey, masterSalt: masterSalt)
        var sessionSalt = try Self.derive(
            label: labelBase + 2, count: 14, masterKey: masterKey, masterSalt: masterSalt)
        defer {
            for index in encryptionKey.indices { encryptionKey[index] = 0 }
            for index in authenticationKey.indices { authenticationKey[index] = 0 }
            for index in sessionSalt.indices { sessionSalt[index] = 0 }
        }
        salt.initialize(from: sessionSalt, count: 14)
        counters.initialize(repeating: 0, count: 16 * Self.chunkBlocks)
        keystream.initialize(repeating: 0, count: 16 * Self.chunkBlocks)
        digest.initialize(repeating: 0, count: 20)
        mac = .allocate(capacity: 1)
        mac.initialize(to: parley_hmac_sha1_key())
        let cipher = EVP_CIPHER_CTX_new()
        guard let cipher, EVP_EncryptInit_ex(cipher, EVP_aes_128_ecb(), nil, encryptionKey, nil) == 1,
            EVP_CIPHER_CTX_set_padding(cipher, 0) == 1,
            parley_hmac_sha1_key_init(mac, authenticationKey, authenticationKey.count) == 1
        else {
            EVP_CIPHER_CTX_free(cipher)
            Self.release(salt: salt, counters: counters, keystream: keystream, digest: digest, mac: mac)
            throw .libsrtp(-1)
        }
        self.cipher = cipher
    }

    deinit {
        EVP_CIPHER_CTX_free(cipher)
        Self.release(salt: salt, counters: counters, keystream: keystream, digest: digest, mac: mac)
    }

    private static func release(
        salt: UnsafeMutablePointer<UInt8>, counters: UnsafeMutablePointer<UInt8>,
        keystream: UnsafeMutablePointer<UInt8>, digest: UnsafeMutablePointer<UInt8>,
        mac: UnsafeMutablePointer<parley_hmac_sha1_key>
    ) {
        // Key material (and keystream) is wiped before the memory goes back to malloc.
        mac.update(repeating: parley_hmac_sha1_key(), count: 1)
        salt.update(repeating: 0, count: 14)
        keystream.update(repeating: 0, count: 16 * chunkBlocks)
        mac.deallocate()
        salt.deallocate()
        counters.deallocate()
        keystream.deallocate()
        digest.deallocate()
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

    /// Encrypts `count` bytes at `start` in place with the AES-CM keystream of IV = (k_s · 2^16) XOR
    /// (SSRC · 2^64) XOR (i · 2^16) (§4.1.1), `index` being the 48-bit SRTP index or the 31-bit SRTCP index:
    /// block j of the keystream is AES(IV + j), j < 2^16 (a UDP payload is at most 4,096 blocks).
    func encrypt(_ start: UnsafeMutablePointer<UInt8>, count: Int, ssrc: UInt32, index: UInt64) throws(SRTPError) {
        guard count > 0 else { return }
        guard count <= 16 * 0x10000 else { throw .badLength }
        // The first counter block is the IV; the others differ in their last two bytes only.
        for position in 0..<14 { counters[position] = salt[position] }
        for position in 0..<4 { counters[4 + position] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * position)) }
        for position in 0..<6 { counters[8 + position] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * position)) }
        for block in 1..<min(Self.chunkBlocks, (count + 15) / 16 + 1) {
            (counters + 16 * block).update(from: counters, count: 14)
        }
        var done = 0
        var block = 0
        while done < count {
            let length = min(count - done, 16 * Self.chunkBlocks)
            let blocks = (length + 15) / 16
            for offset in 0..<blocks {
                counters[16 * offset + 14] = UInt8(truncatingIfNeeded: (block + offset) >> 8)
                counters[16 * offset + 15] = UInt8(truncatingIfNeeded: block + offset)
            }
            var written: Int32 = 0
            guard EVP_EncryptUpdate(cipher, keystream, &written, counters, Int32(16 * blocks)) == 1,
                written == Int32(16 * blocks)
            else { throw .libsrtp(-1) }
            let target = start + done
            var position = 0
            while position + 8 <= length {
                let word =
                    UnsafeRawPointer(target + position).loadUnaligned(as: UInt64.self)
                    ^ UnsafeRawPointer(keystream + position).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(target + position).storeBytes(of: word, as: UInt64.self)
                position += 8
            }
            while position < length {
                target[position] ^= keystream[position]
                position += 1
            }
            done += length
            block += blocks
        }
    }

    /// Writes the 80-bit tag of `base[0..<length]`, followed in the MAC by the 4-byte `rolloverCounter` when
    /// given (SRTP's ROC, §4.2), to `tag`.
    func authenticate(
        _ base: UnsafePointer<UInt8>, length: Int, rolloverCounter: UInt32?, tag: UnsafeMutablePointer<UInt8>
    ) throws(SRTPError) {
        var roc = (rolloverCounter ?? 0).bigEndian
        let done = withUnsafeBytes(of: &roc) { rocBytes in
            parley_hmac_sha1(
                mac, base, length, rocBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                rolloverCounter == nil ? 0 : 4, digest)
        }
        guard done == 1 else { throw .libsrtp(-1) }
        tag.update(from: digest, count: Self.tagLength)
    }
}
