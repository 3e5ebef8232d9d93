// The shape check of `auth.users[].password_hash`, so a hash the store cannot verify is refused at load with its
// key and line. Mirrors ParleyCrypto's `PasswordHash.parse` (this module depends on Foundation and Yams only).

import Foundation

enum PasswordHashShape {
    /// Why `hash` cannot be used, or nil when it has one of the accepted shapes.
    static func problem(with hash: String) -> String? {
        let accepted = "use pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64 or sha256: followed by 64 hex digits"
        if hash.hasPrefix("$2") || hash.hasPrefix("$argon2") {
            return "is a bcrypt or Argon2 hash, which Parley cannot verify (OpenSSL has neither); \(accepted)"
        }
        if hash.hasPrefix("sha256:") {
            let digits = hash.dropFirst("sha256:".count)
            return digits.count == 64 && digits.allSatisfy(\.isHexDigit)
                ? nil
                : "must have 64 hex digits after 'sha256:'"
        }
        if hash.hasPrefix("pbkdf2-sha256$") {
            let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 4, let iterations = Int(parts[1]), (1_000...10_000_000).contains(iterations),
                let salt = Data(base64Encoded: String(parts[2])), !salt.isEmpty,
                let digest = Data(base64Encoded: String(parts[3])), (16...64).contains(digest.count)
            else {
                return "must be pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64 with 1000 to 10000000 iterations "
                    + "and a 16- to 64-byte hash"
            }
            return nil
        }
        return "is not a supported hash; \(accepted)"
    }
}
