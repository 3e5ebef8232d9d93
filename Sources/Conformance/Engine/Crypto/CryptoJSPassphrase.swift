import Foundation
import ParleyCrypto

/// CryptoJS `AES.encrypt(text, passphrase)` format, as MiroTalk puts it in a token's `data` claim:
/// base64("Salted__" + 8-byte salt + AES-256-CBC ciphertext), key and IV from OpenSSL's EVP_BytesToKey with
/// MD5 and one round.
public enum CryptoJSPassphrase {
    public static let magic: [UInt8] = Array("Salted__".utf8)

    /// EVP_BytesToKey(MD5, count 1): D_i = MD5(D_{i-1} || passphrase || salt) until 48 bytes.
    static func deriveKeyAndIV(passphrase: String, salt: [UInt8]) -> (key: [UInt8], iv: [UInt8]) {
        var material: [UInt8] = []
        var previous: [UInt8] = []
        while material.count < 48 {
            previous = Digest.hash(.md5, previous + Array(passphrase.utf8) + salt)
            material += previous
        }
        return (Array(material[0..<32]), Array(material[32..<48]))
    }

    /// Checks the envelope without a secret: base64 that opens with "Salted__", a salt and whole AES blocks.
    public static func structureProblem(_ base64: String) -> String? {
        guard base64.hasPrefix("U2FsdGVkX1") else { return "does not start with U2FsdGVkX1 (base64 of \"Salted__\")" }
        guard let bytes = Data(base64Encoded: base64).map(Array.init) else { return "is not valid base64" }
        guard bytes.count >= 32, (bytes.count - 16) % 16 == 0 else {
            return "has \(bytes.count) bytes; expected 16 (magic + salt) plus whole 16-byte blocks"
        }
        return nil
    }

    public static func decrypt(_ base64: String, passphrase: String) -> String? {
        guard let bytes = Data(base64Encoded: base64).map(Array.init), bytes.count >= 32,
            Array(bytes[0..<8]) == magic
        else { return nil }
        let salt = Array(bytes[8..<16])
        let (key, iv) = deriveKeyAndIV(passphrase: passphrase, salt: salt)
        guard let aes = AES256(key: key), let plain = aes.decryptCBC(Array(bytes[16...]), iv: iv) else { return nil }
        return String(validating: plain, as: UTF8.self)
    }

    public static func encrypt(_ text: String, passphrase: String, salt: [UInt8]? = nil) -> String {
        let salt = salt ?? SecureRandom.bytes(8)
        let (key, iv) = deriveKeyAndIV(passphrase: passphrase, salt: salt)
        // The key is 32 bytes by construction, so the cipher always exists.
        let cipher = AES256(key: key).map { $0.encryptCBC(Array(text.utf8), iv: iv) } ?? []
        return Data(magic + salt + cipher).base64EncodedString()
    }
}
