import Foundation
import HTTPTypes
import ParleyHTTP
import Testing

@Suite("Meeting REST: bad input")
struct MeetingInputTests {
    @Test(
        "wrong types, missing fields, unknown fields, non-objects, bad JSON and odd ids are 400 envelopes naming the problem"
    )
    func badBodies() async throws {
        try await MeetingFixture.make().run { api in
            let cases: [(String, String, String)] = [
                ("/meeting/api/rooms", #"{"room_id":5}"#, "room_id"),
                ("/meeting/api/rooms", #"{}"#, "room_id"),
                ("/meeting/api/rooms", #"{"room_id":"a/b"}"#, "room_id"),
                ("/meeting/api/rooms", #"{"room_id":"ok","max_participants":"5"}"#, "max_participants"),
                ("/meeting/api/rooms", #"{"room_id":"ok","max_participants":0}"#, "max_participants"),
                ("/meeting/api/rooms", #"{"room_id":"ok","max_participants":1.5}"#, "max_participants"),
                ("/meeting/api/rooms", #"{"room_id":"ok","lobby":1}"#, "lobby"),
                ("/meeting/api/rooms", #"{"room_id":"ok","name":"   "}"#, "name"),
                ("/meeting/api/rooms", #"{"room_id":"ok","name":"a\u0007b"}"#, "name"),
                ("/meeting/api/rooms", #"{"room_id":"ok","colour":"red"}"#, "unknown field 'colour'"),
                ("/meeting/api/rooms", #"[1,2]"#, "JSON object"),
                ("/meeting/api/rooms", #"{"room_id":"#, "not valid JSON"),
                ("/meeting/api/rooms", "", "JSON object"),
                ("/meeting/api/templates", #"{"name":true}"#, "name"),
                (
                    "/meeting/api/reservations",
                    #"{"room_id":"r","title":"t","start_time":1,"end_time":2,"host":"h","participants":[]}"#,
                    "start_time"
                ),
                (
                    "/meeting/api/reservations",
                    #"{"room_id":"r","title":"t","start_time":"2099-01-01T00:00:00Z","end_time":"2099-01-01T01:00:00Z","host":"h","participants":[3]}"#,
                    "participants[0]"
                ),
                (
                    "/meeting/api/reservations",
                    #"{"room_id":"r","title":"t","start_time":"2099-01-01T00:00:00Z","end_time":"2099-01-01T01:00:00Z","host":"h h","participants":[]}"#,
                    "host"
                ),
                ("/meeting/api/control/mute", #"{"room_id":"r","user_id":"u","extra":1}"#, "extra"),
            ]
            for (path, body, needle) in cases {
                let response = try await api.post(path, body)
                #expect(response.status == .badRequest && response.code == 400, "\(path) \(body)")
                #expect(response.message.contains(needle), "\(path) \(body): \(response.message)")
            }
            #expect(try await api.get("/meeting/api/rooms").data["total"] as? Int == 0)
        }
    }

    @Test("a non-JSON media type is 415; a body over http.max_body_bytes is 413; both as envelopes")
    func mediaTypeAndSize() async throws {
        try await MeetingFixture.make({ $0.http.maxBodyBytes = 256 }).run { api in
            let text = try await api.send(
                .post, "/meeting/api/rooms", json: #"{"room_id":"a"}"#,
                headers: [.contentType: "text/plain"])
            #expect(text.status == .unsupportedMediaType && text.code == 415)
            let big = #"{"room_id":"a","name":"\#(String(repeating: "x", count: 400))"}"#
            let large = try await api.post("/meeting/api/rooms", big)
            #expect(large.status == .contentTooLarge && large.code == 413)
        }
    }

    @Test("odd characters in path ids are 400, never a lookup")
    func oddPathIDs() async throws {
        try await MeetingFixture.make().run { api in
            for path in [
                "/meeting/api/rooms/%2e%2e", "/meeting/api/rooms/a%00b/users", "/meeting/api/room/%F0%9F%98%80",
                "/meeting/api/templates/a%2Fb", "/meeting/api/recordings/%25/play",
                "/meeting/api/rooms/\(String(repeating: "a", count: 65))",
            ] {
                let response = try await api.get(path)
                #expect(response.status == .badRequest || response.status == .notFound, "\(path)")
                #expect(response.code == response.status.code, "\(path)")
            }
            #expect(try await api.get("/meeting/api/rooms/\(String(repeating: "a", count: 65))").status == .badRequest)
        }
    }

    @Test("a known path asked with a method it does not list is 405 with Allow, in the envelope (RFC 9110 §15.5.6)")
    func methodNotAllowed() async throws {
        try await MeetingFixture.make().run { api in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.put, "/meeting/api/rooms", "GET, POST"),
                (.patch, "/meeting/api/rooms/r1", "GET, DELETE"),
                (.get, "/meeting/api/control/kick", "POST"),
                (.delete, "/meeting/api/templates", "GET, POST"),
                (.post, "/meeting/api/templates/t1", "GET, PUT, DELETE"),
                (.post, "/meeting/api/openapi.yaml", "GET"),
            ]
            for (method, path, allow) in cases {
                let response = try await api.send(method, path)
                #expect(response.status == .methodNotAllowed && response.code == 405, "\(method) \(path)")
                #expect(response.headers[.allow] == allow, "\(method) \(path)")
                #expect(response.message.contains(allow), "\(method) \(path): \(response.message)")
            }
            // A path no route knows stays 404.
            #expect(try await api.send(.put, "/meeting/api/nothing-here").status == .notFound)
        }
    }

    @Test("the OpenAPI document is served at /meeting/api/openapi.yaml")
    func openAPI() async throws {
        try await MeetingFixture.make().run { api in
            let spec = try await api.get("/meeting/api/openapi.yaml")
            #expect(spec.status == .ok)
            #expect(spec.text.hasPrefix("openapi: 3.1"))
            #expect(spec.text.contains("/meeting/api/recordings/{id}/download"))
        }
    }
}
