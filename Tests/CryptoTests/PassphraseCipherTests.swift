import Fixtures
import Foundation
import ParleyCrypto
import Testing

/// Runs the openssl CLI with `input` on stdin and returns stdout, or nil if it failed.
func runOpenSSL(_ arguments: [String], input: String) throws -> String? {
    let run = try OpenSSLCommand.run(arguments, input: Data(input.utf8))
    return run.status == 0 ? String(decoding: run.output, as: UTF8.self) : nil
}

@Suite("passphrase AES (CryptoJS / openssl enc format)")
struct PassphraseCipherTests {
    let payload = #"{"username":"username","password":"password","presenter":"true","video":"false"}"#
    let passphrase = "mirotalksfu_default_secret"

    @Test("encrypt then decrypt returns the plaintext; each encryption uses a new salt")
    func roundTrip() throws {
        let a = PassphraseCipher.encrypt(payload, passphrase: passphrase)
        let b = PassphraseCipher.encrypt(payload, passphrase: passphrase)
        #expect(a != b)
        #expect(a.hasPrefix("U2FsdGVkX1"), "base64 of \"Salted__\"")
        #expect(PassphraseCipher.decrypt(a, passphrase: passphrase) == payload)
        #expect(PassphraseCipher.decrypt(PassphraseCipher.encrypt("", passphrase: "x"), passphrase: "x") == "")
        #expect(
            PassphraseCipher.decrypt(PassphraseCipher.encrypt("üñí©ødé ✓", passphrase: "k"), passphrase: "k")
                == "üñí©ødé ✓")
    }

    @Test("the openssl CLI decrypts our output, and we decrypt the CLI's")
    func interoperatesWithOpenSSLCLI() throws {
        let ours = PassphraseCipher.encrypt(payload, passphrase: passphrase)
        let decrypted = try runOpenSSL(
            ["enc", "-d", "-aes-256-cbc", "-md", "md5", "-a", "-A", "-pass", "pass:\(passphrase)"],
            input: ours)
        #expect(decrypted == payload)

        let theirs = try #require(
            try runOpenSSL(
                ["enc", "-e", "-aes-256-cbc", "-md", "md5", "-a", "-A", "-pass", "pass:\(passphrase)"], input: payload))
        #expect(PassphraseCipher.decrypt(theirs, passphrase: passphrase) == payload)
    }

    @Test("a fixed salt gives the openssl CLI's exact ciphertext")
    func fixedSaltMatchesCLI() throws {
        let salt: [UInt8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]
        let ours = try #require(
            [UInt8](
                base64Encoded: PassphraseCipher.encrypt(
                    Array(payload.utf8),
                    passphrase: passphrase, salt: salt)))
        #expect(Array(ours.prefix(16)) == Array("Salted__".utf8) + salt)
        // With an explicit -S, OpenSSL 3 writes the bare ciphertext without the "Salted__" header.
        let theirs = try #require(
            try runOpenSSL(
                [
                    "enc", "-e", "-aes-256-cbc", "-md", "md5", "-a", "-A",
                    "-S", "0123456789abcdef", "-pass", "pass:\(passphrase)",
                ],
                input: payload))
        #expect(Array(ours.dropFirst(16)) == [UInt8](base64Encoded: theirs))
    }

    @Test("wrong passphrases and malformed input give nil")
    func badInputGivesNil() throws {
        let salt: [UInt8] = [9, 8, 7, 6, 5, 4, 3, 2]
        let sealed = PassphraseCipher.encrypt(Array(payload.utf8), passphrase: passphrase, salt: salt)
        #expect(PassphraseCipher.decrypt(sealed, passphrase: "wrong") == nil)
        let bytes = try #require([UInt8](base64Encoded: sealed))
        for bad in [
            "", "!!!", "U2FsdGVkX1", Array("Salted__".utf8).base64EncodedString(),
            Array(bytes.dropLast()).base64EncodedString(), Array(bytes.dropLast(16)).base64EncodedString(),
            ([0x54] + bytes.dropFirst()).base64EncodedString(),
        ] {
            #expect(PassphraseCipher.decrypt(bad, passphrase: passphrase) == nil, "\(bad)")
        }
    }
}
