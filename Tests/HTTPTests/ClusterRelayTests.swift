import Fixtures
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import NIOCore
import ParleyRooms
import Testing
@testable import ParleyHTTP

/// Cluster mode's relay between two in-process nodes on loopback: "owner" runs the room, "edge" does not and
/// relays. The directory is a fake that the test points at the owner.
@Suite("Cluster relay: room sockets, forwarded moderation, service-wide reads")
struct ClusterRelayTests {
    static let secretHeader = HTTPField.Name("X-Parley-Cluster-Secret")!
    static let hopHeader = HTTPField.Name("X-Parley-Cluster-Hop")!

    /// Runs `body` with both nodes listening; the edge's directory names the owner for every room.
    func withNodes(
        _ body:
            @escaping @Sendable (_ owner: ClusterTestNode, _ ownerPort: Int, _ edge: ClusterTestNode, _ edgePort: Int)
            async throws -> Void
    ) async throws {
        let owner = try ClusterTestNode(id: "owner")
        let edge = try ClusterTestNode(id: "edge")
        try await owner.application().test(.live) { ownerClient in
            let ownerPort = try #require(ownerClient.port)
            edge.routing.setOwner(owner.peer(port: ownerPort))
            try await edge.application().test(.live) { edgeClient in
                let edgePort = try #require(edgeClient.port)
                edge.routing.setPeers([owner.peer(port: ownerPort)])
                owner.routing.setPeers([edge.peer(port: edgePort)])
                try await body(owner, ownerPort, edge, edgePort)
            }
        }
    }

    @Test("the internal endpoint answers 401 without the cluster secret, and a forged hop is refused")
    func internalAuth() async throws {
        let node = try ClusterTestNode(id: "solo")
        try await node.application().test(.router) { client in
            try await client.execute(uri: "/internal/cluster/view", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/internal/cluster/view", method: .get, headers: [Self.secretHeader: "wrong-secret"]
            ) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/internal/cluster/view", method: .get, headers: [Self.secretHeader: ClusterTestNode.secret]
            ) { response in
                #expect(response.status == .ok)
                let view = try ClusterNodeView.decode(Array(buffer: response.body))
                #expect(view.nodeID == "solo" && view.rooms.isEmpty)
            }
            // A hop header claims "a node forwarded this": without the secret it is refused, not served.
            try await client.execute(
                uri: "/api/v1/meeting/r1", method: .delete,
                headers: [.authorization: ClusterTestNode.apiKey, Self.hopHeader: "edge"]
            ) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("a single node (no cluster) has no internal endpoint")
    func singleNode() async throws {
        let services = try TestServices.make()
        let router = ParleyServer.makeRouter(services: services, faces: [ClusterFace(), RoomSocketFace()])
        try await Application(router: router).test(.router) { client in
            try await client.execute(
                uri: "/internal/cluster/view", method: .get, headers: [Self.secretHeader: ClusterTestNode.secret]
            ) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("the relayed room socket is refused without the secret")
    func relayedSocketNeedsSecret() async throws {
        let node = try ClusterTestNode(id: "owner")
        try await node.application().test(.live) { client in
            let port = try #require(client.port)
            let probe = SocketProbe.connect("ws://127.0.0.1:\(port)/internal/cluster/room/r1?user_id=eve&name=Eve")
            await #expect(throws: (any Error).self) { try await probe.closed() }
            #expect(await node.rooms.rooms().isEmpty)
        }
    }

    @Test(
        "participants on both nodes see each other's presence and chat in order; a kick on the owner closes the relayed socket 4100"
    )
    func relayBothWays() async throws {
        try await withNodes { owner, ownerPort, edge, edgePort in
            let bob = SocketProbe.connect("ws://127.0.0.1:\(ownerPort)/room/r1?type=meeting&user_id=bob&name=Bob")
            _ = try await bob.next("joined")
            // Alice comes in through the edge with the Monibuca v5 path form: the user id travels in the path.
            let alice = SocketProbe.connect("ws://127.0.0.1:\(edgePort)/room/r1/alice?type=meeting&name=Alice")
            let joined = try await alice.next("joined")
            let data = try #require(joined["data"] as? [String: Any])
            #expect(data["user_id"] as? String == "alice")
            #expect((data["participants"] as? [[String: Any]])?.count == 2)
            #expect(
                try await bob.next("userjoin")["data"].flatMap { ($0 as? [String: Any])?["user_id"] as? String }
                    == "alice")
            // The room lives on the owner only.
            #expect(await owner.rooms.room(RoomID("r1")!)?.participants.count == 2)
            #expect(await edge.rooms.rooms().isEmpty)

            for index in 1...5 { try await alice.send(#"{"action":"chat","text":"a\#(index)"}"#) }
            for index in 1...5 { try await bob.send(#"{"action":"chat","text":"b\#(index)"}"#) }
            // Chat reaches everyone, the sender included, in the room's one order (`seq`).
            let seenByBob = try await bob.all("msg", count: 10)
            let seenByAlice = try await alice.all("msg", count: 10)
            func texts(_ events: [[String: Any]]) -> [String] { events.compactMap { $0["text"] as? String } }
            #expect(texts(seenByBob) == texts(seenByAlice))
            #expect(texts(seenByBob).filter { $0.hasPrefix("a") } == ["a1", "a2", "a3", "a4", "a5"])
            #expect(texts(seenByBob).filter { $0.hasPrefix("b") } == ["b1", "b2", "b3", "b4", "b5"])
            #expect(
                seenByAlice.compactMap { $0["seq"] as? Int } == seenByAlice.compactMap { $0["seq"] as? Int }.sorted())

            _ = try await owner.rooms.kick(RoomID("r1")!, UserID("alice")!, by: .rest)
            let close = try await alice.closed()
            #expect(close?.closeCode == .unknown(4100))
            _ = try await bob.next("userleave")
            try await bob.close()
        }
    }

    @Test(
        "the participant's leave reaches the owner; an owner that cannot be reached closes 4105 after room_unavailable")
    func closeHandling() async throws {
        try await withNodes { owner, ownerPort, edge, edgePort in
            let alice = SocketProbe.connect("ws://127.0.0.1:\(edgePort)/room/r2?type=meeting&user_id=alice&name=A")
            _ = try await alice.next("joined")
            try await alice.close()
            #expect(try await alice.closed()?.closeCode == .normalClosure)
            try await waitUntil("alice left on the owner") { await owner.rooms.room(RoomID("r2")!) == nil }

            // A refused join on the owner reaches the participant with the owner's code.
            _ = try await owner.rooms.createRoom(
                RoomID("locked")!, settings: RoomSettings(name: "", password: "pw"), origin: .rest)
            // (Connecting again while the test client misses the answer: see SocketProbe.refusal.)
            let wrong = await refusal(
                at: "ws://127.0.0.1:\(edgePort)/room/locked?type=meeting&user_id=carol&name=C&password=nope",
                reconnecting: true)
            #expect(wrong?.code == "wrong_password")
            #expect(wrong?.close?.closeCode == .unknown(4003))

            // Nobody listens where the directory points.
            edge.routing.setOwner(ClusterPeer(nodeID: "gone", advertiseURL: "http://127.0.0.1:1"))
            let lost = await refusal(at: "ws://127.0.0.1:\(edgePort)/room/r3?type=meeting&user_id=dan&name=D")
            #expect(lost?.code == "room_unavailable")
            #expect(lost?.close?.closeCode == .unknown(4105))

            // The directory itself cannot answer.
            edge.routing.setFailing(true)
            let blind = await refusal(at: "ws://127.0.0.1:\(edgePort)/room/r3?type=meeting&user_id=dan&name=D")
            #expect(blind?.code == "room_unavailable")
            #expect(blind?.close?.closeCode == .unknown(4105))
        }
    }

    @Test("REST moderation sent to the edge runs on the owner; the owner's answer comes back as it is")
    func forwardedModeration() async throws {
        try await withNodes { owner, ownerPort, edge, edgePort in
            let alice = SocketProbe.connect("ws://127.0.0.1:\(ownerPort)/room/r1?type=meeting&user_id=alice&name=A")
            _ = try await alice.next("joined")
            let http = HTTPClientForTests(port: edgePort)
            let bearer = try ClusterTestNode.adminJSONHeaders()
            // Lock, then kick by body (`room_id` in JSON): both run on the owner.
            let locked = try await http.send(.post, "/meeting/api/rooms/r1/lock", headers: bearer)
            #expect(locked.status == 200 && (locked.json?["data"] as? [String: Any])?["locked"] as? Bool == true)
            #expect(await owner.rooms.room(RoomID("r1")!)?.locked == true)
            // Locked: refused on the owner (read as SocketProbe.refusal explains).
            let bob = await refusal(at: "ws://127.0.0.1:\(ownerPort)/room/r1?type=meeting&user_id=bob&name=B")
            #expect(bob?.close?.closeCode == .unknown(4023))
            _ = try await http.send(.post, "/meeting/api/rooms/r1/unlock", headers: bearer)
            let carol = SocketProbe.connect("ws://127.0.0.1:\(ownerPort)/room/r1?type=meeting&user_id=carol&name=C")
            _ = try await carol.next("joined")
            let kicked = try await http.send(
                .post, "/meeting/api/control/kick", headers: bearer, body: #"{"room_id":"r1","user_id":"carol"}"#)
            #expect(kicked.status == 200)
            #expect(try await carol.closed()?.closeCode == .unknown(4100))
            let noRoom = try await http.send(
                .post, "/meeting/api/control/kick", headers: bearer, body: #"{"room_id":"elsewhere","user_id":"x"}"#)
            #expect(noRoom.status == 404)
            let missing = try await http.send(
                .delete, "/api/v1/meeting/nosuch", headers: [.authorization: ClusterTestNode.apiKey])
            #expect(missing.status == 404)
            // MiroTalk's own refusal of a wrong key, as the owner gives it.
            let unauthorized = try await http.send(.delete, "/api/v1/meeting/r1", headers: [.authorization: "wrong"])
            #expect(unauthorized.status == 403)
            #expect(await owner.rooms.room(RoomID("r1")!) != nil)
            let ended = try await http.send(
                .delete, "/api/v1/meeting/r1", headers: [.authorization: ClusterTestNode.apiKey])
            #expect(ended.status == 200 && ended.text.contains("Meeting ended"))
            #expect(try await alice.closed()?.closeCode == .unknown(4101))
            #expect(await owner.rooms.room(RoomID("r1")!) == nil)
        }
    }

    @Test("a REST room created on the edge for an id the owner holds is made on the owner; a second one gets its 409")
    func creationGoesToTheOwner() async throws {
        try await withNodes { owner, _, edge, edgePort in
            let http = HTTPClientForTests(port: edgePort)
            let bearer = try ClusterTestNode.adminJSONHeaders()
            let created = try await http.send(.post, "/meeting/api/rooms", headers: bearer, body: #"{"room_id":"r9"}"#)
            #expect(created.status == 200, "\(created.text)")
            #expect(await owner.rooms.room(RoomID("r9")!)?.origin == .rest)
            #expect(await edge.rooms.room(RoomID("r9")!) == nil)
            let again = try await http.send(.post, "/meeting/api/rooms", headers: bearer, body: #"{"room_id":"r9"}"#)
            #expect(again.status == 409, "\(again.text)")
            #expect(await edge.rooms.room(RoomID("r9")!) == nil)
            // Without the directory the edge cannot tell who may make the room: 503, nothing made.
            edge.routing.setFailing(true)
            let blind = try await http.send(.post, "/meeting/api/rooms", headers: bearer, body: #"{"room_id":"r10"}"#)
            #expect(blind.status == 503)
            #expect(await edge.rooms.room(RoomID("r10")!) == nil)
            #expect(await owner.rooms.room(RoomID("r10")!) == nil)
        }
    }

    @Test("stats, meetings and rooms on either node count the whole service; a dead peer is left out")
    func serviceWideViews() async throws {
        try await withNodes { owner, ownerPort, edge, edgePort in
            _ = try await owner.rooms.join(RoomID("big")!, JoinRequest(userID: UserID("u1")!), createIfMissing: true)
            _ = try await owner.rooms.join(RoomID("big")!, JoinRequest(userID: UserID("u2")!), createIfMissing: true)
            _ = try await edge.rooms.join(RoomID("small")!, JoinRequest(userID: UserID("u3")!), createIfMissing: true)
            for port in [ownerPort, edgePort] {
                let http = HTTPClientForTests(port: port)
                let stats = try await http.send(
                    .get, "/api/v1/stats", headers: [.authorization: ClusterTestNode.apiKey])
                #expect(stats.json?["totalRooms"] as? Int == 2 && stats.json?["totalUsers"] as? Int == 3)
                let meetings = try await http.send(
                    .get, "/api/v1/meetings", headers: [.authorization: ClusterTestNode.apiKey])
                let ids = (meetings.json?["meetings"] as? [[String: Any]])?.compactMap { $0["roomId"] as? String }
                #expect(Set(ids ?? []) == ["big", "small"])
            }
            // The edge's only peer stops answering: its reads go on with its own rooms.
            edge.routing.setPeers([ClusterPeer(nodeID: "gone", advertiseURL: "http://127.0.0.1:1")])
            let stats = try await HTTPClientForTests(port: edgePort).send(
                .get, "/api/v1/stats", headers: [.authorization: ClusterTestNode.apiKey])
            #expect(stats.json?["totalRooms"] as? Int == 1 && stats.json?["totalUsers"] as? Int == 1)
        }
    }

    @Test("merging keeps one entry per room, the one with its participants, in creation order")
    func mergeRule() throws {
        func room(_ id: String, _ users: [String], at seconds: Double) -> RoomSnapshot {
            RoomSnapshot(
                id: RoomID(id)!, settings: RoomSettings(), origin: .rest, locked: false,
                createdAt: Date(timeIntervalSince1970: seconds),
                participants: users.map { Participant(userID: UserID($0)!, name: $0, joinedAt: .distantPast) },
                streams: [], capacity: 10)
        }
        let merged = ServiceWideView.merge(
            local: [room("b", [], at: 2), room("a", ["x"], at: 5)],
            remote: [[room("b", ["y", "z"], at: 2)], [room("c", [], at: 1)]])
        #expect(merged.map(\.id.rawValue) == ["c", "b", "a"])
        #expect(merged[1].participants.count == 2)
    }

    @Test("the upstream URL keeps the scheme's security and carries the join's query, percent-encoded")
    func upstreamURL() {
        let peer = ClusterPeer(nodeID: "a", advertiseURL: "https://node-a.example:8443/")
        #expect(
            RoomSocketRelay.upstreamURL(owner: peer, room: "r1", query: "user_id=u")
                == "wss://node-a.example:8443/internal/cluster/room/r1?user_id=u")
        #expect(
            RoomSocketRelay.upstreamURL(owner: ClusterPeer(nodeID: "b", advertiseURL: "ftp://x"), room: "r", query: "")
                == nil)
        let query = RoomSocketEndpoint.upstreamQuery(
            RoomSocketJoinQuery(
                roomID: "r", userID: "u", name: "Ann & Bob/é", password: nil, token: "a.b+c", type: "meeting"))
        #expect(query == "type=meeting&user_id=u&name=Ann%20%26%20Bob%2F%C3%A9&token=a.b%2Bc")
    }
}

/// Plain HTTP requests to a live node.
struct HTTPClientForTests: Sendable {
    let port: Int

    struct Answer: @unchecked Sendable {
        let status: Int
        let text: String
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] }
    }

    func send(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: String? = nil) async throws
        -> Answer
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method.rawValue
        for field in headers { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(
            status: (response as? HTTPURLResponse)?.statusCode ?? 0, text: String(decoding: data, as: UTF8.self))
    }
}
