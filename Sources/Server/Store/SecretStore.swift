import Foundation
import Logging
import ParleyCrypto

/// Secrets as configured, before resolution (nil = not configured).
public struct ConfiguredSecrets: Sendable {
    public var apiKeySecret: String?
    public var jwtSecret: String?
    public var authSecret: String?

    public init(apiKeySecret: String? = nil, jwtSecret: String? = nil, authSecret: String? = nil) {
        self.apiKeySecret = apiKeySecret
        self.jwtSecret = jwtSecret
        self.authSecret = authSecret
    }
}

/// The secrets the server runs with.
public struct ResolvedSecrets: Sendable, Equatable {
    public let apiKeySecret: String
    public let jwtSecret: String
    public let authSecret: String

    public init(apiKeySecret: String, jwtSecret: String, authSecret: String) {
        self.apiKeySecret = apiKeySecret
        self.jwtSecret = jwtSecret
        self.authSecret = authSecret
    }
}

/// Keeps generated secrets in `<data_dir>/secrets.json` with 0600 permissions. A configured secret always wins;
/// a missing one is taken from the file, or generated, stored and announced once with a loud warning.
public struct SecretStore: Sendable {
    public let fileURL: URL

    public init(dataDirectory: URL) {
        self.fileURL = dataDirectory.appendingPathComponent("secrets.json")
    }

    struct Stored: Codable {
        var api_key_secret: String?
        var jwt_secret: String?
        var auth_secret: String?
    }

    /// - Returns: the secrets to use and one warning line per secret generated during this call.
    public func resolve(_ configured: ConfiguredSecrets) throws -> (ResolvedSecrets, warnings: [String]) {
        var stored = try load()
        var warnings: [String] = []
        var changed = false

        func pick(_ slot: SecretSlot, _ storedValue: inout String?) -> String {
            if let configuredValue = configured[keyPath: slot.configured], !configuredValue.isEmpty {
                return configuredValue
            }
            if let existing = storedValue, !existing.isEmpty { return existing }
            let fresh = SecretSlot.generate()
            storedValue = fresh
            changed = true
            warnings.append(slot.warning(generated: fresh, storedIn: fileURL.path))
            return fresh
        }

        let api = pick(SecretSlot.apiKey, &stored.api_key_secret)
        let jwt = pick(SecretSlot.jwt, &stored.jwt_secret)
        let auth = pick(SecretSlot.auth, &stored.auth_secret)
        if changed { try save(stored) }
        return (ResolvedSecrets(apiKeySecret: api, jwtSecret: jwt, authSecret: auth), warnings)
    }

    func load() throws -> Stored {
        guard FileManager.default.fileExists(atPath: fileURL.path) else { return Stored() }
        let data = try Data(contentsOf: fileURL)
        return try JSONDecoder().decode(Stored.self, from: data)
    }

    func save(_ stored: Stored) throws {
        try FileManager.default.createDirectory(
            at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(stored)
        // Create with 0600 before writing any byte, so the secret is never readable by others.
        let path = fileURL.path
        let temp = path + ".tmp"
        FileManager.default.createFile(atPath: temp, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temp))
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temp, toPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}

/// One secret Parley generates when it is not configured: where its configured value is, its stored name and how
/// its one warning reads. Shared by the file (one node) and the PostgreSQL (cluster) stores.
struct SecretSlot: Sendable {
    let storedName: String
    let name: String
    let key: String
    /// The value goes into the warning. Only for the API key, which its operator must type into clients; a signing
    /// key in a log would let anyone who reads the log mint admin and session tokens.
    let reveal: Bool
    let configured: KeyPath<ConfiguredSecrets, String?> & Sendable

    static let apiKey = SecretSlot(
        storedName: "api_key_secret", name: "MiroTalk API key", key: "api.key_secret", reveal: true,
        configured: \.apiKeySecret)
    static let jwt = SecretSlot(
        storedName: "jwt_secret", name: "MiroTalk token secret", key: "jwt.secret", reveal: false,
        configured: \.jwtSecret)
    static let auth = SecretSlot(
        storedName: "auth_secret", name: "Monibuca JWT secret", key: "auth.secret", reveal: false,
        configured: \.authSecret)

    static func generate() -> String { SecureRandom.token(byteCount: 32) }

    func warning(generated value: String, storedIn location: String) -> String {
        let shown = reveal ? ": \(value)" : " (not shown; signing keys never go to the log)"
        return "generated \(name) (\(key))\(shown) — stored in \(location); set \(key) for production"
    }
}
