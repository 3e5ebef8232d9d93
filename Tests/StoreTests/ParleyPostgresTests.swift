import Foundation
import Logging
import ParleyConfig
import PostgresNIO
import Testing
@testable import ParleyStore

@Suite("PostgreSQL connection and migrations", .enabled(if: TestPostgres.isAvailable, "needs PARLEY_TEST_DATABASE_URL"))
struct PostgresDatabaseTests {
    @Test("a fresh database is migrated once; a second open (another node) applies nothing again")
    func migratesOnce() async throws {
        let url = try await TestPostgres.freshDatabase()
        let first = try await ParleyPostgres.connect(to: url, logger: TestPostgres.logger)
        let second = try await ParleyPostgres.connect(to: url, logger: TestPostgres.logger)
        let names = PostgresMigrations.store.map(\.name)
        #expect(try await PostgresMigrations.applied(first.client) == names)
        #expect(try await PostgresMigrations.applied(second.client) == names)
        await first.close()
        await second.close()
    }

    @Test("an unknown database and a closed port fail at once with the endpoint named")
    func unreachable() async throws {
        var url = try #require(TestPostgres.serverURL)
        url.database = "no_such_database"
        await #expect(throws: PostgresStoreError.self) {
            _ = try await ParleyPostgres.connect(to: url, logger: TestPostgres.logger)
        }
        do {
            _ = try await ParleyPostgres.connect(to: url, logger: TestPostgres.logger)
        } catch {
            #expect("\(error)".contains("no_such_database"))
        }
    }
}
