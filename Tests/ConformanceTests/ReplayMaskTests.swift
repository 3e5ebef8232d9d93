import Foundation
import Testing

@testable import ParleyConformance

@Suite("replay masks and diffs")
struct ReplayMaskTests {
    let uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    @Test("YAML and JSON mask files parse; bad ones give a clear error")
    func load() throws {
        let yaml = try ReplayMask.parse(
            JSONValue.parseYAML(
                "json: [/meetings/*/id, /**/createdAt]\nheaders: {ignore: [etag]}\npatterns: {uuid: '\(uuid)'}"),
            source: "test.yaml")
        #expect(yaml.jsonPaths.count == 2 && !yaml.comparedHeaders.contains("etag"))
        #expect(yaml.comparedHeaders.contains("content-type"))
        let json = try ReplayMask.parse(
            JSONValue.parse("{\"headers\":{\"compare\":[\"X-Custom\"]},\"patterns\":{\"n\":\"[0-9]+\"}}"),
            source: "t.json")
        #expect(json.comparedHeaders == ["x-custom"])
        #expect(throws: ReplayMask.Failure.self) {
            try ReplayMask.parse(JSONValue.parseYAML("jsn: [/a]"), source: "typo.yaml")
        }
        #expect(throws: ReplayMask.Failure.self) {
            try ReplayMask.parse(JSONValue.parseYAML("patterns: {bad: '(['}"), source: "regex.yaml")
        }
        #expect(throws: ReplayMask.Failure.self) {
            try ReplayMask.parse(JSONValue.parseYAML("json: [meetings/id]"), source: "pointer.yaml")
        }
        #expect(throws: ReplayMask.Failure.self) { try ReplayMask.load(path: "/nonexistent/mask.yaml") }
    }

    @Test("JSON pointer globs: * is one segment, ** any number, ~1 escapes a slash")
    func globs() throws {
        let mask = try ReplayMask(jsonPaths: ["/a/*/id", "/**/ts", "/x~1y"])
        #expect(mask.masks(["a", "0", "id"]) && !mask.masks(["a", "0", "1", "id"]))
        #expect(mask.masks(["ts"]) && mask.masks(["p", "q", "ts"]) && !mask.masks(["ts", "q"]))
        #expect(mask.masks(["x/y"]))
        let partial = try ReplayMask(jsonPaths: ["/**/*_at_ms", "/a*b*c"])
        #expect(partial.masks(["data", "agenda", "updated_at_ms"]) && !partial.masks(["updated_at"]))
        #expect(
            partial.masks(["abc"]) && partial.masks(["a-b-c"]) && !partial.masks(["acb"]) && !partial.masks(["abcd"]))
    }

    @Test("the diff reports exactly the unmasked differences")
    func diff() throws {
        let mask = try ReplayMask(
            jsonPaths: ["/createdAt"], comparedHeaders: ["content-type", "allow"], patterns: [("uuid", uuid)])
        let diff = ReplayDiff(mask: mask)
        let before = Array(
            "{\"id\":\"1b4e28ba-2fa1-11d2-883f-0016d3cca427\",\"createdAt\":1,\"n\":1,\"list\":[1,2],\"gone\":true}"
                .utf8)
        let after = Array(
            "{\"id\":\"6fa459ea-ee8a-3ca4-894e-db77e160355e\",\"createdAt\":99,\"n\":2,\"list\":[1,2],\"new\":null}"
                .utf8)
        let lines = diff.body(recorded: before, replayed: after)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.contains("body /n: recorded 1, replayed 2"))
        #expect(lines.contains("body /gone: missing in replay"))
        #expect(lines.contains("body /new: not in the recording"))
        #expect(diff.body(recorded: before, replayed: before).isEmpty)
        #expect(
            diff.headers(
                recorded: [HeaderField("Content-Type", "application/json"), HeaderField("Date", "a")],
                replayed: [HeaderField("content-type", "application/json"), HeaderField("Date", "b")]
            ).isEmpty)
        #expect(
            diff.headers(recorded: [HeaderField("Allow", "GET,POST")], replayed: [HeaderField("Allow", "GET")])
                == ["header allow: recorded \"GET, POST\", replayed \"GET\""])
        #expect(diff.status(recorded: 200, replayed: 404) == ["status: recorded 200, replayed 404"])
        #expect(
            diff.body(
                recorded: Array("see /r/1b4e28ba-2fa1-11d2-883f-0016d3cca427".utf8),
                replayed: Array("see /r/6fa459ea-ee8a-3ca4-894e-db77e160355e".utf8)
            ).isEmpty)
        #expect(diff.body(recorded: Array("abc".utf8), replayed: Array("abd".utf8)).count == 1)
    }

    @Test("case ids slug the path")
    func slugs() {
        #expect(HTTPReplay.slug("/api/v1/meeting?x=1") == "api-v1-meeting")
        #expect(HTTPReplay.slug("/") == "root")
        #expect(HTTPReplay.slug("/Rooms/%20A__b/") == "rooms-20a-b")
    }
}

@Suite("replay session substitutions")
struct ReplaySessionTests {
    func session() throws -> ReplaySession {
        let target = try Target(url: "http://127.0.0.1:9")
        return ReplaySession(
            options: HTTPReplayOptions(target: target.url), mask: try ReplayMask(), target: target,
            client: HTTPClient(target: target, insecure: false))
    }

    @Test("ids the target chose differently are carried into later requests; words and short values are not")
    func learnsIdentifiers() throws {
        var session = try session()
        session.learn(
            recorded: try JSONValue.parse("{\"room\":{\"id\":\"r-1b4e28ba\",\"state\":\"running\"},\"n\":\"12\"}"),
            replayed: try JSONValue.parse("{\"room\":{\"id\":\"r-6fa459ea\",\"state\":\"stopped\"},\"n\":\"13\"}"))
        let recorded = CapturedHTTPRequest(
            method: "POST", target: "/rooms/r-1b4e28ba/state?x=running",
            headers: [
                HeaderField("Host", "old:1"), HeaderField("Content-Length", "30"),
                HeaderField("X-Room", "r-1b4e28ba"),
            ],
            body: Array("{\"id\":\"r-1b4e28ba\",\"n\":\"12\"}".utf8), microseconds: 0)
        let request = session.request(for: recorded)
        #expect(request.path == "/rooms/r-6fa459ea/state?x=running")
        #expect(request.headers.map(\.name) == ["X-Room"], "framing and Host are the client's own")
        #expect(request.headers.first?.value == "r-6fa459ea")
        #expect(request.body == Array("{\"id\":\"r-6fa459ea\",\"n\":\"12\"}".utf8))
    }
}
