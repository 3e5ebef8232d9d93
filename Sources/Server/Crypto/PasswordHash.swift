import COpenSSL

/// Password hashes for admin users (`auth.users`). Formats accepted in configuration:
/// - `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`: what Parley writes (PBKDF2-HMAC-SHA256, RFC 8018 §5.2).
/// - `sha256:<hex>`: an unsalted SHA-256 of the password, accepted for simple hand-written configs.
/// bcrypt (`$2b$`) and argon2 are not accepted: OpenSSL 3.0 has neither; a config using them is refused at load.
public enum PasswordHash {
    public static let defaultIterations = 210_000

    public static func make(password: String, iterations: Int = defaultIterations) -> String {
        let salt = SecureRandom.bytes(16)
        let hash = pbkdf2(password: password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(salt.base64EncodedString())$\(hash.base64EncodedString())"
    }

    /// True when `hash` is in a format this type can verify.
    public static func isSupported(_ hash: String) -> Bool {
        parse(hash) != nil
    }

    public static func verify(password: String, against hash: String) -> Bool {
        guard let parsed = parse(hash) else { return false }
        switch parsed {
        case .pbkdf2(let iterations, let salt, let expected):
            return ConstantTime.equals(
                pbkdf2(
                    password: password, salt: salt, iterations: iterations,
                    length: expected.count), expected)
        case .sha256(let expected):
            return ConstantTime.equals(Digest.hash(.sha256, Array(password.utf8)), expected)
        }
    }

    enum Parsed {
        case pbkdf2(iterations: Int, salt: [UInt8], hash: [UInt8])
        case sha256([UInt8])
    }

    static func parse(_ text: String) -> Parsed? {
        if text.hasPrefix("sha256:") {
            let hex = Array(text.utf8.dropFirst(7))
            guard hex.count == 64, let bytes = decodeHex(hex) else { return nil }
            return .sha256(bytes)
        }
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]),
            (1_000...10_000_000).contains(iterations),
            let salt = [UInt8](base64Encoded: String(parts[2])), !salt.isEmpty,
            let hash = [UInt8](base64Encoded: String(parts[3])), (16...64).contains(hash.count)
        else { return nil }
        return .pbkdf2(iterations: iterations, salt: salt, hash: hash)
    }

    static func pbkdf2(password: String, salt: [UInt8], iterations: Int, length: Int = 32) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withCString { cp in
            PKCS5_PBKDF2_HMAC(
                cp, Int32(password.utf8.count), salt, Int32(salt.count), Int32(iterations),
                EVP_sha256(), Int32(length), &out)
        }
        precondition(ok == 1, "PBKDF2 failed with valid parameters")
        return out
    }

    static func decodeHex(_ digits: [UInt8]) -> [UInt8]? {
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        guard digits.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        var i = 0
        while i < digits.count {
            guard let hi = value(digits[i]), let lo = value(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
