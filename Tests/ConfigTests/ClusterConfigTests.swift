import Testing
@testable import ParleyConfig

@Suite("cluster.* keys")
struct ClusterConfigTests {
    @Test("defaults: one node, 10 s leases; the node id defaults to host name and port")
    func defaults() throws {
        let cluster = try ConfigLoader.load(yaml: "").cluster
        #expect(!cluster.isEnabled && cluster.database == nil && cluster.leaseTTL == .seconds(10))
        #expect(cluster.nodeID(hostname: "box", port: 8081) == "box-8081")
        #expect(ParleyConfig().renderYAML().contains("cluster:\n  database_url: \"\"\n"))
    }

    @Test("a postgres URL switches cluster mode on; its parts are parsed and its password masked")
    func databaseURL() throws {
        let config = try ConfigLoader.load(
            yaml: """
                cluster:
                  database_url: "postgresql://parley:p%40ss@127.0.0.1:5433/parley_a?sslmode=disable"
                  node_id: node-a
                  advertise_url: http://127.0.0.1:8081
                  secret: s3cret
                  lease_ttl: 1500ms
                """)
        let url = try #require(config.cluster.database)
        #expect(
            url
                == PostgresURL(
                    user: "parley", password: "p@ss", host: "127.0.0.1", port: 5433,
                    database: "parley_a", tls: .disable))
        #expect(config.cluster.nodeID(hostname: "box", port: 1) == "node-a")
        #expect(config.cluster.leaseTTL == .milliseconds(1500))
        let masked = config.renderYAML()
        #expect(!masked.contains("p%40ss") && !masked.contains("s3cret"))
        #expect(masked.contains("postgresql://parley:********@127.0.0.1:5433/parley_a?sslmode=disable"))
        #expect(try ConfigLoader.load(yaml: config.renderYAML(maskSecrets: false)) == config)
        #expect(PostgresURL(parsing: "postgres://u@[::1]/d")?.host == "::1")
        #expect(PostgresURL(parsing: "postgres://u@h/d")?.port == 5432)
    }

    @Test("the environment sets every cluster key; a bare number of seconds is seconds")
    func environment() throws {
        let config = try ConfigLoader.load(
            file: nil,
            environment: [
                "PARLEY_CLUSTER_DATABASE_URL": "postgres://parley@127.0.0.1:5432/parley",
                "PARLEY_CLUSTER_NODE_ID": "b", "PARLEY_CLUSTER_LEASE_TTL": "3",
                "PARLEY_CLUSTER_ADVERTISE_URL": "http://127.0.0.1:8082", "PARLEY_CLUSTER_SECRET": "k",
            ])
        #expect(config.cluster.isEnabled && config.cluster.nodeID == "b" && config.cluster.secret == "k")
        #expect(config.cluster.leaseTTL == .seconds(3) && config.cluster.advertiseURL == "http://127.0.0.1:8082")
    }

    @Test(
        "bad values are refused naming the key",
        arguments: [
            "cluster: {database_url: mysql://u@h/d}", "cluster: {database_url: postgres://h/d}",
            "cluster: {database_url: 'postgres://u@h'}", "cluster: {database_url: 'postgres://u@h/d?x=1'}",
            "cluster: {database_url: 'postgres://u@h/d?sslmode=allow'}", "cluster: {node_id: 'a b'}",
            "cluster: {advertise_url: ftp://x}", "cluster: {lease_ttl: 0.5}", "cluster: {lease_ttl: 2d}",
            "cluster: {lease_ttl: forever}",
        ])
    func refused(yaml: String) {
        do {
            _ = try ConfigLoader.load(yaml: yaml)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect("\(error)".contains("cluster."), "\(error)")
        }
    }
}
