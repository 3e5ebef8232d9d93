import Fixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ParleyCluster
import ParleyConfig
import ParleyHTTP
import ParleyRooms
import ParleyStore
import Testing

/// A node's cluster-facing HTTP behaviour, with two members on one in-memory directory: WHIP/WHEP for a path
/// another node serves is a 307 to it (RFC 9725 §4.5), `/healthz` names the node and the cluster.
@Suite("Cluster redirects and health")
struct ClusterRedirectTests {
    /// Nodes a and b (this server) on one directory; room R already runs on a.
    static func cluster() async throws -> (services: ParleyServices, a: ClusterMember, b: ClusterMember) {
        let clock = ManualClock()
        let directory = InMemoryClusterDirectory(clock: clock)
        let rooms = InMemoryRoomDirectory()
        func member(_ name: String, port: Int, rooms: InMemoryRoomDirectory) -> ClusterMember {
            ClusterMember(
                node: NodeID(name), advertiseURL: "http://127.0.0.1:\(port)/", ttl: .seconds(3), secret: "test-secret",
                directory: directory,
                local: RegistryLocalState(rooms: rooms, onLeaseLost: { _ in }), clock: clock,
                logger: Logger(label: "test.\(name)"))
        }
        let a = member("a", port: 18081, rooms: InMemoryRoomDirectory())
        let b = member("b", port: 18082, rooms: rooms)
        try await a.register()
        try await b.register()
        _ = try await a.claim(.room(RoomID("R")!))
        let base = try TestServices.make(rooms: rooms)
        let services = ParleyServices(
            config: base.config, rooms: rooms, database: base.database, secrets: base.secrets,
            metrics: base.metrics, clock: clock, cluster: b, logger: base.logger)
        return (services, a, b)
    }

    static func app(_ services: ParleyServices) -> some ApplicationProtocol {
        Application(router: ParleyServer.makeRouter(services: services, faces: [WebRTCFace(), HealthFace()]))
    }

    @Test("WHIP and WHEP for a room another node owns: 307, Location = its advertise_url + the same path and query")
    func redirectsToTheOwner() async throws {
        let (services, _, _) = try await Self.cluster()
        try await Self.app(services).test(.router) { client in
            for (prefix, query) in [("whip", "?secret=x&expire=1"), ("whep", ""), ("push", "")] {
                let uri = "/webrtc/\(prefix)/room/R/alice\(query)"
                // No credentials and no SDP: the owner checks those, so the redirect comes first.
                try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: "v=0\r\n")) { response in
                    #expect(response.status == .temporaryRedirect)
                    #expect(response.headers[.location] == "http://127.0.0.1:18081\(uri)")
                }
            }
        }
    }

    @Test("a path this node serves, or one nobody publishes, is not redirected")
    func servedHereIsNotRedirected() async throws {
        let (services, _, b) = try await Self.cluster()
        _ = try await b.claim(.room(RoomID("mine")!))
        try await Self.app(services).test(.router) { client in
            for uri in ["/webrtc/whip/room/mine/alice", "/webrtc/whep/live/nobody"] {
                try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: "v=0\r\n")) { response in
                    #expect(response.status != .temporaryRedirect, "\(uri)")
                    #expect(response.headers[.location] == nil, "\(uri)")
                }
            }
        }
        #expect(try await b.owner(of: .stream(StreamPath("live/nobody")!)) == nil, "a player never places a path")
    }

    @Test("a plain path published on another node: its players are sent there")
    func playerFollowsThePublisher() async throws {
        let (services, a, _) = try await Self.cluster()
        _ = try await a.placement(of: .stream(StreamPath("live/cam")!), policy: .thisNode)
        try await Self.app(services).test(.router) { client in
            try await client.execute(uri: "/webrtc/whep/live/cam", method: .post) { response in
                #expect(response.status == .temporaryRedirect)
                #expect(response.headers[.location] == "http://127.0.0.1:18081/webrtc/whep/live/cam")
            }
        }
    }

    @Test("/healthz names the node and the cluster: member of 2; a single node says single")
    func health() async throws {
        let (services, _, _) = try await Self.cluster()
        for (services, node, nodes, state) in [
            (services, "b", 2, "member"), (try TestServices.make(), nil, 1, "single"),
        ] {
            try await Self.app(services).test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let cluster = body?["cluster"] as? [String: Any]
                    #expect(cluster?["nodes"] as? Int == nodes)
                    #expect(cluster?["state"] as? String == state)
                    let id = try #require(body?["node_id"] as? String)
                    if let node { #expect(id == node) } else { #expect(!id.isEmpty) }
                }
            }
        }
    }
}
