import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ParleyWire
import Testing

@Suite("WHIP/WHEP session resource: PATCH, If-Match, ICE restart (RFC 9725 §4.4)", .serialized)
struct WebRTCSessionTests {
    static let fragmentHeaders: HTTPFields = [.contentType: "application/trickle-ice-sdpfrag"]
    static let trickle =
        "a=ice-ufrag:cli1\r\na=ice-pwd:clientpasswordclientpassword\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n"
    static let restart = "a=ice-ufrag:new1\r\na=ice-pwd:newclientpasswordnewclientpw\r\n"

    func withSession(_ test: @escaping @Sendable (any TestClientProtocol, String, String) async throws -> Void)
        async throws
    {
        try await WebRTCFixture.withFace { client, _ in
            let created = try await WebRTCFixture.post(client, "/webrtc/whip/live/cam")
            let location = try #require(created.headers[.location])
            let etag = try #require(created.headers[.eTag])
            try await test(client, location, etag)
        }
    }

    @Test("PATCH without If-Match is 428")
    func missingIfMatch() async throws {
        try await withSession { client, location, _ in
            let response = try await client.execute(
                uri: location, method: .patch, headers: Self.fragmentHeaders,
                body: ByteBuffer(string: Self.trickle))
            #expect(response.status == .preconditionRequired)
        }
    }

    @Test("PATCH with a stale If-Match is 412")
    func wrongIfMatch() async throws {
        try await withSession { client, location, _ in
            var headers = Self.fragmentHeaders
            headers[.ifMatch] = "\"not-the-etag\""
            let response = try await client.execute(
                uri: location, method: .patch, headers: headers,
                body: ByteBuffer(string: Self.trickle))
            #expect(response.status == .preconditionFailed)
        }
    }

    @Test("trickle PATCH with the current ETag is 204 and carries no ETag")
    func trickle() async throws {
        try await withSession { client, location, etag in
            var headers = Self.fragmentHeaders
            headers[.ifMatch] = etag
            let response = try await client.execute(
                uri: location, method: .patch, headers: headers,
                body: ByteBuffer(string: Self.trickle))
            #expect(response.status == .noContent)
            #expect(response.headers[.eTag] == nil)
        }
    }

    @Test("PATCH with another content type is 415")
    func patchContentType() async throws {
        try await withSession { client, location, etag in
            let response = try await client.execute(
                uri: location, method: .patch,
                headers: [.contentType: "application/sdp", .ifMatch: etag],
                body: ByteBuffer(string: Self.trickle))
            #expect(response.status == .unsupportedMediaType)
        }
    }

    @Test("ICE restart (If-Match: *) is 200 with new ice-ufrag/ice-pwd and a new ETag, which later PATCHes need")
    func iceRestart() async throws {
        try await withSession { client, location, etag in
            var headers = Self.fragmentHeaders
            headers[.ifMatch] = "*"
            let response = try await client.execute(
                uri: location, method: .patch, headers: headers,
                body: ByteBuffer(string: Self.restart))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/trickle-ice-sdpfrag")
            let newTag = try #require(response.headers[.eTag])
            #expect(newTag != etag)
            let fragment = try SDPFragment.parse(String(buffer: response.body))
            let ufrag = try #require(fragment.iceUfrag)
            #expect(ufrag.count >= 4)
            #expect((fragment.icePwd?.count ?? 0) >= 22)

            headers[.ifMatch] = etag
            let stale = try await client.execute(
                uri: location, method: .patch, headers: headers,
                body: ByteBuffer(string: Self.trickle))
            #expect(stale.status == .preconditionFailed)
            headers[.ifMatch] = newTag
            let fresh = try await client.execute(
                uri: location, method: .patch, headers: headers,
                body: ByteBuffer(string: Self.trickle))
            #expect(fresh.status == .noContent)
        }
    }

    @Test("PATCH, GET and DELETE on an unknown session are 404")
    func unknownSession() async throws {
        try await WebRTCFixture.withFace { client, _ in
            let path = "/webrtc/session/0123456789abcdef"
            var headers = Self.fragmentHeaders
            headers[.ifMatch] = "*"
            #expect(
                try await client.execute(
                    uri: path, method: .patch, headers: headers,
                    body: ByteBuffer(string: Self.restart)
                ).status == .notFound)
            expectStatus(try await client.execute(uri: path, method: .get), .notFound)
            expectStatus(try await client.execute(uri: path, method: .delete), .notFound)
        }
    }
}
