import Fixtures
import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyConfig
import ParleyHTTP
import ParleyRooms
import Testing

@Suite("Monibuca routes and envelope")
struct MonibucaRoutesTests {
    static let modules = [
        "/rtmp/", "/rtsp/", "/flv/", "/hls/", "/srt/", "/webtransport/", "/gb28181/",
        "/snap/", "/transcode/api/", "/cluster/", "/live/", "/room_report/",
    ]

    func get(
        _ client: any TestClientProtocol, _ uri: String, method: HTTPRequest.Method = .get,
        body: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        let token = try await MonibucaFixture.token()
        return try await client.execute(
            uri: uri, method: method, headers: MonibucaFixture.bearer(token),
            body: body.map { ByteBuffer(string: $0) }
        ) { response in
            let json = try? MonibucaFixture.json(response.body)
            #expect(json != nil, "\(method) \(uri) → \(response.status): not JSON: \(String(buffer: response.body))")
            return (response.status, json ?? [:], response.headers)
        }
    }

    @Test("every seed plugin prefix Parley lacks answers 501 in the envelope naming the module, for each method")
    func notImplementedPrefixes() async throws {
        try await MonibucaFixture.withRouter { client in
            for prefix in Self.modules {
                for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
                    let (status, json, _) = try await get(client, prefix + "api/anything", method: method)
                    #expect(status == .notImplemented, "\(method) \(prefix)")
                    #expect(json["code"] as? Int == 501)
                    let message = try #require(json["message"] as? String)
                    #expect(message.contains(prefix) && message.contains("not implemented"), "\(message)")
                }
                let (bare, _, _) = try await get(client, String(prefix.dropLast()))
                #expect(bare == .notImplemented, "\(prefix)")
            }
            try await client.execute(uri: "/transcode/other", method: .get) { response in
                #expect(response.status == .notFound) // not a Monibuca prefix: Hummingbird's own empty 404
                #expect(!String(buffer: response.body).contains(#""code""#))
            }
        }
    }

    @Test("the envelope covers unknown routes, wrong methods, bad bodies and oversize bodies under Monibuca prefixes")
    func envelopeOnErrorPaths() async throws {
        let small = MonibucaFixture.config { $0.http.maxBodyBytes = 64 }
        try await MonibucaFixture.withRouter(small) { client in
            for (uri, method) in [
                ("/api/nothing/here", HTTPRequest.Method.get), ("/api/streamz", .delete),
                ("/config/unknown", .get), ("/meeting/api/unknown", .get), ("/api", .get),
            ] {
                let (status, json, _) = try await get(client, uri, method: method)
                #expect(status == .notFound, "\(method) \(uri)")
                #expect(json["code"] as? Int == 404)
                #expect((json["message"] as? String)?.isEmpty == false)
                #expect(json.keys.sorted() == ["code", "message"])
            }
            let big = #"{"username":"admin","password":"\#(String(repeating: "x", count: 200))"}"#
            let (status, json, _) = try await get(client, "/api/login", method: .post, body: big)
            #expect(status == .contentTooLarge)
            #expect(json["code"] as? Int == 413)
            let (configPut, putJSON, _) = try await get(client, "/config", method: .put, body: "{}")
            #expect(configPut == .methodNotAllowed)
            #expect((putJSON["message"] as? String)?.contains("read-only") == true)
        }
    }

    @Test("a documented path asked with another method answers 405 with Allow, in the envelope")
    func methodNotAllowed() async throws {
        try await MonibucaFixture.withRouter { client in
            for (uri, method, allow) in [
                ("/api/streams", HTTPRequest.Method.delete, "GET"),
                ("/api/login", .get, "POST"), ("/api/secret/publish/a", .post, "GET"),
                ("/api/stream/live/a", .trace, "GET"), ("/config/get", .put, "GET"),
            ] {
                let (status, json, headers) = try await get(client, uri, method: method)
                #expect(status == .methodNotAllowed, "\(method) \(uri)")
                #expect(json["code"] as? Int == 405)
                #expect(headers[.allow] == allow)
            }
        }
    }

    @Test("streams come from the registry: empty at first, then the published stream in both shapes")
    func streamsFromRegistry() async throws {
        let rooms = InMemoryRoomDirectory(clock: ManualClock(now: MonibucaFixture.now.addingTimeInterval(-90)))
        try await MonibucaFixture.withRouter(rooms: rooms) { client in
            let (_, empty, _) = try await get(client, "/api/streams")
            let emptyData = try #require(empty["data"] as? [String: Any])
            #expect(emptyData["total"] as? Int == 0)
            #expect((emptyData["streams"] as? [Any])?.isEmpty == true)
            let (missing, missingJSON, _) = try await get(client, "/api/stream/live/cam1")
            #expect(missing == .notFound && missingJSON["code"] as? Int == 404)

            let path = try #require(StreamPath("live/cam1"))
            _ = try await rooms.startStream(path, publisher: nil, room: nil, codecs: ["opus", "VP8"])
            _ = try await rooms.addSubscriber(path)

            let (_, list, _) = try await get(client, "/api/streams")
            let data = try #require(list["data"] as? [String: Any])
            #expect(data["total"] as? Int == 1)
            let stream = try #require((data["streams"] as? [[String: Any]])?.first)
            #expect(stream["path"] as? String == "live/cam1")
            #expect(stream["state"] as? String == "publishing")
            #expect(stream["subscribers"] as? Int == 1)
            #expect(stream["video_codec"] as? String == "VP8")
            #expect(stream["audio_codec"] as? String == "opus")
            #expect(stream["video_bitrate"] is NSNull)
            #expect(stream["duration"] as? Int == 90)

            for uri in ["/api/stream/live/cam1", "/api/stream/live%2Fcam1", "/api/stream/info/live/cam1"] {
                let (status, one, _) = try await get(client, uri)
                #expect(status == .ok, "\(uri): \(one)")
                let detail = try #require(one["data"] as? [String: Any])
                #expect(detail["path"] as? String == "live/cam1")
                #expect(detail["subscriber_count"] as? Int == 1)
                let tracks = try #require(detail["tracks"] as? [String: Any])
                #expect((tracks["video"] as? [String: Any])?["codec"] as? String == "VP8")
            }

            let (_, v5, _) = try await get(client, "/api/stream/list?pageNum=1&pageSize=10")
            #expect(v5["code"] as? Int == 0 && v5["total"] as? Int == 1 && v5["pageSize"] as? Int == 10)
            let item = try #require((v5["data"] as? [[String: Any]])?.first)
            #expect(item["path"] as? String == "live/cam1")
            #expect((item["audioTrack"] as? [String: Any])?["codec"] as? String == "opus")
            let (_, page2, _) = try await get(client, "/api/stream/list?pageNum=2&pageSize=1")
            #expect((page2["data"] as? [Any])?.isEmpty == true && page2["total"] as? Int == 1)
            let (bad, _, _) = try await get(client, "/api/stream/list?pageSize=0")
            #expect(bad == .badRequest)
        }
    }

    @Test("/config is the effective configuration with every secret masked")
    func configMasked() async throws {
        let config = MonibucaFixture.config {
            $0.auth.secret = "very-secret-auth"
            $0.api.keySecret = "very-secret-api"
        }
        try await MonibucaFixture.withRouter(config) { client in
            for uri in ["/config", "/config/get"] {
                let (status, json, _) = try await get(client, uri)
                #expect(status == .ok)
                let data = try #require(json["data"] as? [String: Any])
                #expect(data["format"] as? String == "yaml")
                let yaml = try #require(data["content"] as? String)
                #expect(yaml.contains("stream_auth:") && yaml.contains(ParleyConfig.maskedSecret))
                for secret in ["very-secret-auth", "very-secret-api", "pubkey", "rtmp-pub"] {
                    #expect(!yaml.contains(secret), "\(secret) leaked")
                }
            }
        }
    }

    @Test("/api/openapi.yaml serves spec/monibuca-core.yaml without a token")
    func openAPIServed() async throws {
        try await MonibucaFixture.withRouter { client in
            try await client.execute(uri: "/api/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("openapi: 3.1.0"))
                #expect(text.contains("/api/secret/{type}/{streamPath}:"))
            }
        }
    }
}
