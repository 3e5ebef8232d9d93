import Foundation
import ParleyConfig
import ParleyCrypto
import ParleyStore

/// The admin users `POST /api/login` accepts: `auth.users` from the configuration (plain passwords hashed on load,
/// kept in memory only), or, when that list is empty, one `admin` user whose password is generated at first start
/// and stored hashed in the `users` table.
public struct MonibucaUsers: Sendable {
    public static let generatedUsername = "admin"

    /// username → PasswordHash string.
    let hashes: [String: String]
    /// A hash to verify against for unknown names, so a wrong name costs as much time as a wrong password.
    let decoyHash: String

    public init(hashes: [String: String], iterations: Int = PasswordHash.defaultIterations) {
        self.hashes = hashes
        self.decoyHash = PasswordHash.make(password: SecureRandom.token(), iterations: iterations)
    }

    public var usernames: [String] { hashes.keys.sorted() }

    /// Loads the users. Returns the generated admin password when it was created by this call (to print once).
    public static func load(
        auth: ParleyConfig.Auth, store: any AdminUserRowStore,
        iterations: Int = PasswordHash.defaultIterations, now: Date = Date()
    ) async throws
        -> (users: MonibucaUsers, generatedPassword: String?)
    {
        if !auth.users.isEmpty {
            var hashes: [String: String] = [:]
            for entry in auth.users {
                if let hash = entry.passwordHash {
                    hashes[entry.username] = hash
                } else if let password = entry.password {
                    hashes[entry.username] = PasswordHash.make(password: password, iterations: iterations)
                }
            }
            return (MonibucaUsers(hashes: hashes, iterations: iterations), nil)
        }
        let password = SecureRandom.token(byteCount: 18)
        let (hash, created) = try await store.passwordHash(
            of: generatedUsername, creatingWith: { PasswordHash.make(password: password, iterations: iterations) },
            source: "generated", now: now)
        return (MonibucaUsers(hashes: [generatedUsername: hash], iterations: iterations), created ? password : nil)
    }

    /// True when `username` exists and `password` matches its hash. Unknown names still run one verification.
    public func authenticate(username: String, password: String) -> Bool {
        guard let hash = hashes[username] else {
            _ = PasswordHash.verify(password: password, against: decoyHash)
            return false
        }
        return PasswordHash.verify(password: password, against: hash)
    }
}
