import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ParleyHTTP

@Suite("One reading of Authorization and Content-Type for every face")
struct AuthorizationCredentialTests {
    @Test("Bearer (any case) yields its token, anything else is a raw token; a bare Bearer or a blank value is empty")
    func credentials() {
        #expect(AuthorizationCredential(nil) == .absent)
        #expect(AuthorizationCredential("") == .empty)
        #expect(AuthorizationCredential("  \t ") == .empty)
        #expect(AuthorizationCredential("Bearer") == .empty)
        #expect(AuthorizationCredential("bearer   ") == .empty)
        #expect(AuthorizationCredential("Bearer abc") == .bearer("abc"))
        #expect(AuthorizationCredential(" BEARER \tabc ") == .bearer("abc"))
        #expect(AuthorizationCredential("abc.def.ghi") == .raw("abc.def.ghi"))
        #expect(AuthorizationCredential("Bearerabc") == .raw("Bearerabc"), "no space: not the Bearer scheme")
        #expect(AuthorizationCredential("Basic dXNlcjpwYXNz") == .raw("Basic dXNlcjpwYXNz"))
        #expect(AuthorizationCredential("Bearer abc").token == "abc")
        #expect(AuthorizationCredential("Bearer").token == nil)
    }

    @Test("media types compare case-insensitively without parameters; +json counts as JSON")
    func mediaTypes() {
        #expect(MediaType(nil) == nil)
        #expect(MediaType("Application/JSON; charset=utf-8") == .json)
        #expect(MediaType("application/sdp") == .sdp)
        #expect(MediaType("application/merge-patch+json")?.isJSON == true)
        #expect(MediaType("text/plain")?.isJSON == false)
        #expect(MediaType("garbage") != .json)
    }

    @Test("a bare 'Bearer' is refused as a missing token by the Monibuca API and by WHIP (never read as no header)")
    func bareBearerEverywhere() async throws {
        try await MonibucaFixture.withRouter { client in
            try await client.execute(uri: "/api/streams", method: .get, headers: [.authorization: "Bearer"]) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.wwwAuthenticate] == #"Bearer realm="parley""#)
            }
        }
        try await WebRTCFixture.withFace { client, _ in
            var headers = WebRTCFixture.sdpHeaders
            headers[.authorization] = "Bearer"
            let response = try await WebRTCFixture.post(client, "/webrtc/whep/live/cam", headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="parley""#)
        }
    }
}
