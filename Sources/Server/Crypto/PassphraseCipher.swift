import COpenSSL
import Foundation

/// Passphrase encryption in the format of `openssl enc -aes-256-cbc -md md5 -a` and CryptoJS.AES with a string
/// key: base64("Salted__" ‖ 8-byte salt ‖ AES-256-CBC ciphertext), key and IV from EVP_BytesToKey(MD5, 1 round),
/// PKCS#7 padding. MiroTalk's /api/v1/token encrypts its payload this way.
public enum PassphraseCipher {
    static let magic = Array("Salted__".utf8)
    static let saltLength = 8
    static let blockLength = 16

    /// Encrypts `plaintext` (UTF-8) with a fresh random salt.
    public static func encrypt(_ plaintext: String, passphrase: String) -> String {
        encrypt(Array(plaintext.utf8), passphrase: passphrase, salt: SecureRandom.bytes(saltLength))
    }

    /// Encrypts with a given 8-byte salt (deterministic; for test vectors).
    public static func encrypt(_ plaintext: [UInt8], passphrase: String, salt: [UInt8]) -> String {
        precondition(salt.count == saltLength, "the OpenSSL salt is 8 bytes")
        let (key, iv) = deriveKeyAndIV(passphrase: passphrase, salt: salt)
        guard let ciphertext = run(encrypt: true, key: key, iv: iv, input: plaintext) else {
            preconditionFailure("AES-256-CBC encryption with a valid key cannot fail")
        }
        return (magic + salt + ciphertext).base64EncodedString()
    }

    /// Decrypts; nil for bad base64, a missing "Salted__" header, a wrong length, a wrong passphrase
    /// (bad padding) or a plaintext that is not UTF-8.
    public static func decrypt(_ base64: String, passphrase: String) -> String? {
        guard let bytes = decryptBytes(base64, passphrase: passphrase) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    public static func decryptBytes(_ base64: String, passphrase: String) -> [UInt8]? {
        let trimmed = base64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed, options: .ignoreUnknownCharacters) else { return nil }
        let bytes = [UInt8](data)
        let headerLength = magic.count + saltLength
        guard bytes.count >= headerLength + blockLength,
            (bytes.count - headerLength) % blockLength == 0,
            Array(bytes.prefix(magic.count)) == magic
        else { return nil }
        let salt = Array(bytes[magic.count..<headerLength])
        let (key, iv) = deriveKeyAndIV(passphrase: passphrase, salt: salt)
        return run(encrypt: false, key: key, iv: iv, input: Array(bytes[headerLength...]))
    }

    /// EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} ‖ passphrase ‖ salt) until 48 bytes.
    static func deriveKeyAndIV(passphrase: String, salt: [UInt8]) -> (key: [UInt8], iv: [UInt8]) {
        var key = [UInt8](repeating: 0, count: 32)
        var iv = [UInt8](repeating: 0, count: 16)
        let password = Array(passphrase.utf8)
        let length = EVP_BytesToKey(EVP_aes_256_cbc(), EVP_md5(), salt, password, Int32(password.count), 1, &key, &iv)
        precondition(length == 32, "EVP_BytesToKey with built-in algorithms cannot fail")
        return (key, iv)
    }

    private static func run(encrypt: Bool, key: [UInt8], iv: [UInt8], input: [UInt8]) -> [UInt8]? {
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_CipherInit_ex(context, EVP_aes_256_cbc(), nil, key, iv, encrypt ? 1 : 0) == 1,
            input.count <= Int(Int32.max) - blockLength
        else { return nil }
        var output = [UInt8](repeating: 0, count: input.count + blockLength)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let ok = output.withUnsafeMutableBufferPointer { out -> Bool in
            guard let base = out.baseAddress,
                EVP_CipherUpdate(context, base, &written, input, Int32(input.count)) == 1
            else { return false }
            return EVP_CipherFinal_ex(context, base + Int(written), &finalWritten) == 1
        }
        guard ok else {
            _ = OpenSSLError.drainQueue() // a wrong passphrase leaves "bad decrypt" queued
            return nil
        }
        return Array(output.prefix(Int(written + finalWritten)))
    }
}
