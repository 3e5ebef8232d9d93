import Foundation
import Logging
import PostgresNIO
import Testing
@testable import ParleyCluster

/// The directory contract against a real PostgreSQL: a database of this run's own in the server
/// PARLEY_TEST_DATABASE_URL names (`make test` starts a throw-away one); skipped without it.
@Suite("PostgreSQL cluster directory", .enabled(if: TestDatabase.url != nil, "PARLEY_TEST_DATABASE_URL is not set"))
struct PostgresClusterDirectoryTests {
    /// A short lease: the database's clock cannot be moved, so each check sleeps through it.
    static let ttl: Duration = .milliseconds(1200)

    func withContract(_ body: (DirectoryContract) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { client in
            let directory = PostgresClusterDirectory(client: client, logger: Logger(label: "test.cluster.pg"))
            try await body(
                DirectoryContract(
                    directory: directory, ttl: Self.ttl, advance: { try? await Task.sleep(for: $0) }, scope: ""))
        }
    }

    @Test("a node is live until its heartbeat expires; deregistering removes it at once")
    func liveness() async throws { try await withContract { try await $0.nodesLiveUntilTheirHeartbeatExpires() } }

    @Test("four nodes racing for one room: one winner, epoch 1, everyone told the same owner")
    func race() async throws { try await withContract { try await $0.racingAcquiresHaveOneWinner() } }

    @Test("fencing: after a takeover the old owner's epoch is refused for release, renewal and holds")
    func fencing() async throws { try await withContract { try await $0.aStaleEpochIsRefused() } }

    @Test("renewal keeps leases live; a released key is free and its next epoch is larger")
    func renewal() async throws { try await withContract { try await $0.renewalKeepsAndReleaseFrees() } }

    @Test("deregistering a node frees its leases for the next node")
    func deregister() async throws { try await withContract { try await $0.deregisterFreesTheNodesLeases() } }

    @Test("the shared secret: the first proposal is stored, later nodes read it")
    func sharedSecret() async throws {
        try await TestDatabase.withFreshDatabase { client in
            let directory = PostgresClusterDirectory(client: client, logger: Logger(label: "test.cluster.pg"))
            let first = try await directory.sharedSecret(proposing: "first")
            let second = try await directory.sharedSecret(proposing: "second")
            #expect(first == "first")
            #expect(second == "first", "a later node reads the stored secret")
        }
    }
}

/// A fresh database per test in the server PARLEY_TEST_DATABASE_URL names, with the cluster tables.
enum TestDatabase {
    static let url: URLComponents? = ProcessInfo.processInfo.environment["PARLEY_TEST_DATABASE_URL"]
        .flatMap { $0.isEmpty ? nil : URLComponents(string: $0) }

    static func configuration(database: String) -> PostgresClient.Configuration {
        let url = url!
        return PostgresClient.Configuration(
            host: url.host ?? "127.0.0.1", port: url.port ?? 5432, username: url.user ?? "parley",
            password: url.password, database: database, tls: .disable)
    }

    static func withClient<T: Sendable>(database: String, _ body: (PostgresClient) async throws -> T) async throws -> T
    {
        let client = PostgresClient(
            configuration: configuration(database: database), backgroundLogger: Logger(label: "test.pg"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    static func withFreshDatabase(_ body: (PostgresClient) async throws -> Void) async throws {
        let admin = String(url!.path.drop { $0 == "/" })
        let name = "cluster_test_\(UInt32.random(in: 0...UInt32.max))"
        try await withClient(database: admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        try await withClient(database: name) { client in
            for statement in PostgresClusterDirectory.schema {
                try await client.query(PostgresQuery(unsafeSQL: statement))
            }
            try await body(client)
        }
        try await withClient(database: admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }
}
