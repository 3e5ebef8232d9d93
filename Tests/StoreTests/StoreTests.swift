import Foundation
import Logging
import Testing
@testable import ParleyStore
import ParleyCrypto

@Suite("Storage and secrets")
struct StoreTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("the database opens in WAL mode with every migration applied, and reopens without re-running them")
    func migrationsAndWAL() throws {
        let dir = try temporaryDirectory()
        let db = try ParleyDatabase.open(directory: dir, logger: Logger(label: "test"))
        #expect(try db.journalMode() == "wal")
        #expect(try db.synchronousLevel() == 2) // FULL: acknowledged rows survive a power loss
        #expect(try db.appliedMigrations() == ParleyMigrations.all.map(\.name))
        try db.writer.write { db in
            try db.execute(
                sql:
                    "INSERT INTO users (username, password_hash, source, created_at) VALUES ('a', 'h', 'config', CURRENT_TIMESTAMP)"
            )
        }
        try db.close()
        let again = try ParleyDatabase.open(directory: dir, logger: Logger(label: "test"))
        #expect(try again.appliedMigrations() == ParleyMigrations.all.map(\.name))
        let count = try again.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") }
        #expect(count == 1)
        try again.close()
    }

    @Test("missing secrets are generated once, stored 0600, and reused on the next start")
    func generatedSecrets() throws {
        let dir = try temporaryDirectory()
        let store = SecretStore(dataDirectory: dir)
        let (first, warnings) = try store.resolve(ConfiguredSecrets())
        #expect(warnings.count == 3)
        #expect(first.apiKeySecret.count >= 32 && first.apiKeySecret != first.jwtSecret)
        // The API key is shown once; the signing keys are named, never printed.
        let said = warnings.joined(separator: "\n")
        #expect(said.contains(first.apiKeySecret) && said.contains(store.fileURL.path))
        #expect(!said.contains(first.jwtSecret) && !said.contains(first.authSecret))
        #expect(said.contains("jwt.secret") && said.contains("auth.secret"))
        let attributes = try FileManager.default.attributesOfItem(atPath: store.fileURL.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let (second, secondWarnings) = try store.resolve(ConfiguredSecrets())
        #expect(second == first)
        #expect(secondWarnings.isEmpty)
    }

    @Test("a configured secret wins over the stored one and is not written to disk")
    func configuredSecretWins() throws {
        let dir = try temporaryDirectory()
        let store = SecretStore(dataDirectory: dir)
        let (resolved, warnings) = try store.resolve(ConfiguredSecrets(apiKeySecret: "configured-key"))
        #expect(resolved.apiKeySecret == "configured-key")
        #expect(warnings.count == 2)
        let text = try String(contentsOf: store.fileURL, encoding: .utf8)
        #expect(!text.contains("configured-key"))
    }

    @Test("password hashes verify the right password only, in both accepted formats")
    func passwordHashes() throws {
        let hash = PasswordHash.make(password: "s3cret", iterations: 1_000)
        #expect(hash.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHash.verify(password: "s3cret", against: hash))
        #expect(!PasswordHash.verify(password: "s3cret ", against: hash))
        let sha = "sha256:" + Digest.hex(.sha256, Array("pw".utf8))
        #expect(PasswordHash.verify(password: "pw", against: sha))
        #expect(!PasswordHash.verify(password: "pW", against: sha))
        #expect(!PasswordHash.isSupported("$2b$10$abcdefghijklmnopqrstuu"))
        #expect(!PasswordHash.verify(password: "", against: "pbkdf2-sha256$x$$"))
    }
}
