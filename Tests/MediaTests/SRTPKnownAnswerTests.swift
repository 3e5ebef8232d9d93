import Fixtures
import Foundation
import ParleyCrypto
import ParleyMedia
import Testing

/// AES-128 in counter mode (RFC 3711 §4.1.1 AES-CM) over `count` zero bytes: the raw keystream,
/// computed by the openssl CLI so the check is independent of libsrtp.
func aesCounterKeystream(key: [UInt8], iv: [UInt8], count: Int) throws -> [UInt8] {
    let run = try OpenSSLCommand.run(
        ["enc", "-aes-128-ctr", "-nosalt", "-K", key.hexString, "-iv", iv.hexString],
        input: Data(count: count))
    return [UInt8](run.output)
}

/// RFC 3711 §4.3.1 key derivation with key_derivation_rate 0: AES-CM keystream under the master key with
/// IV = (master salt XOR label at byte 7) ‖ 0x0000.
func deriveSessionKey(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, count: Int) throws -> [UInt8] {
    var iv = masterSalt + [0, 0]
    iv[7] ^= label
    return try aesCounterKeystream(key: masterKey, iv: iv, count: count)
}

@Suite("RFC 3711 known answers")
struct SRTPKnownAnswerTests {
    let masterKey = hexBytes("E1F97A0D3E018BE0D64FA32C06DE4139")
    let masterSalt = hexBytes("0EC675AD498AFEEBB6960B3AABE6")

    @Test("the AES-CM keystream of RFC 3711 Appendix B.2 is reproduced by the reference computation")
    func appendixB2Keystream() throws {
        let keystream = try aesCounterKeystream(
            key: hexBytes("2B7E151628AED2A6ABF7158809CF4F3C"),
            iv: hexBytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), count: 32)
        #expect(keystream == hexBytes("E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB"))
    }

    @Test("the session keys of RFC 3711 Appendix B.3 come out of the reference key derivation")
    func appendixB3KeyDerivation() throws {
        #expect(
            try deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 0, count: 16)
                == hexBytes("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(
            try deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 2, count: 14)
                == hexBytes("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(
            try deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 1, count: 20)
                == hexBytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
    }

    @Test("SRTPContext output equals RFC 3711 AES-CM + HMAC-SHA1-80 computed by hand from the B.3 master key")
    func libsrtpMatchesReference() throws {
        let sender = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: masterKey, masterSalt: masterSalt,
            direction: .outbound)
        let header: [UInt8] = [0x80, 0x6f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe]
        let payload = Array("Parley checks libsrtp against RFC 3711".utf8)
        let protected = try sender.protectRTP(header + payload)

        let sessionKey = try deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 0, count: 16)
        let sessionSalt = try deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 2, count: 14)
        let authKey = try deriveSessionKey(masterKey: masterKey, masterSalt: masterSalt, label: 1, count: 20)
        // §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), index i = ROC(0) ‖ SEQ.
        var iv = sessionSalt + [0, 0]
        for (offset, byte) in header[8..<12].enumerated() { iv[4 + offset] ^= byte }
        iv[12] ^= header[2]
        iv[13] ^= header[3]
        let keystream = try aesCounterKeystream(key: sessionKey, iv: iv, count: payload.count)
        let ciphertext = zip(payload, keystream).map { $0 ^ $1 }
        // §4.2: tag = HMAC-SHA1(auth key, header ‖ encrypted payload ‖ ROC) truncated to 80 bits.
        let tag = Array(HMAC.sha1(key: authKey, message: header + ciphertext + [0, 0, 0, 0]).prefix(10))

        #expect(protected == header + ciphertext + tag)
    }
}
