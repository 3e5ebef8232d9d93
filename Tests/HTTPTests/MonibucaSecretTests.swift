import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyConfig
import ParleyHTTP
import Testing

@Suite("Monibuca /api/secret and stream signatures")
struct MonibucaSecretTests {
    // Computed independently with Python: hashlib.md5(b"pubkey" + b"live/test" + b"6610f4a0").hexdigest()
    static let liveTestPublish = "d6205a08d81ecebe0b6acf622d647168"

    func secretData(_ client: any TestClientProtocol, _ uri: String) async throws -> [String: Any] {
        let token = try await MonibucaFixture.token()
        return try await client.execute(uri: uri, method: .get, headers: MonibucaFixture.bearer(token)) { response in
            #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
            let json = try MonibucaFixture.json(response.body)
            #expect(json["code"] as? Int == 0)
            return try #require(json["data"] as? [String: Any])
        }
    }

    func expect400(
        _ client: any TestClientProtocol, _ uri: String, _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let token = try await MonibucaFixture.token()
        try await client.execute(uri: uri, method: .get, headers: MonibucaFixture.bearer(token)) { response in
            #expect(response.status == .badRequest, "\(uri)", sourceLocation: sourceLocation)
            let json = try MonibucaFixture.json(response.body)
            #expect(json["code"] as? Int == 400, sourceLocation: sourceLocation)
            #expect((json["message"] as? String)?.contains(message) == true, "\(json)", sourceLocation: sourceLocation)
        }
    }

    @Test("the secret matches an md5 computed by Python hashlib, for plain and %2F-encoded stream paths")
    func secretMatchesHashlib() async throws {
        try await MonibucaFixture.withRouter { client in
            for uri in [
                "/api/secret/publish/live/test?expire=6610f4a0", "/api/secret/publish/live%2Ftest?expire=6610f4a0",
                "/api/secret/publish/live%2ftest?expire=6610f4a0&plugin=global",
            ] {
                let data = try await secretData(client, uri)
                #expect(data["type"] as? String == "publish")
                #expect(data["plugin"] as? String == "global")
                #expect(data["streamPath"] as? String == "live/test")
                #expect(data["expire"] as? String == "6610f4a0")
                #expect(data["secret"] as? String == Self.liveTestPublish)
            }
            // hashlib.md5(b"subkey" + b"room/r1/u-2" + b"7FFFFFFF").hexdigest()
            let sub = try await secretData(client, "/api/secret/subscribe/room/r1/u-2?expire=7FFFFFFF")
            #expect(sub["secret"] as? String == "f36608eb8a11962c897dc9c2413ddba6")
            #expect(sub["expire"] as? String == "7FFFFFFF")
            // hashlib.md5(b"rtmp-pub" + b"live/test" + b"6610f4a0").hexdigest()
            let rtmp = try await secretData(client, "/api/secret/publish/live/test?expire=6610f4a0&plugin=rtmp")
            #expect(rtmp["secret"] as? String == "dcfa666560fa7f9423fb2b2628f80d14")
        }
    }

    @Test("expire defaults to now + 30 minutes in lower-case hex")
    func defaultExpire() async throws {
        try await MonibucaFixture.withRouter { client in
            let data = try await secretData(client, "/api/secret/publish/live/test")
            let expected = String(Int(MonibucaFixture.now.timeIntervalSince1970) + 1800, radix: 16)
            #expect(data["expire"] as? String == expected)
            #expect(
                data["secret"] as? String
                    == StreamSignature.secret(
                        key: "pubkey", streamPath: "live/test",
                        expire: expected))
        }
    }

    @Test("bad type, non-hex expire, unknown plugin and a bad path are 400s with reasons; a missing key is 404")
    func badRequests() async throws {
        try await MonibucaFixture.withRouter { client in
            try await expect400(client, "/api/secret/play/live/test", "type must be publish or subscribe")
            try await expect400(client, "/api/secret/publish/live/test?expire=xyz", "expire must be hex")
            try await expect400(client, "/api/secret/publish/live/test?expire=-1f", "expire must be hex")
            try await expect400(client, "/api/secret/publish/live/test?plugin=nosuch", "unknown plugin")
            try await expect400(client, "/api/secret/publish/live/test?expire=7fffffffffffffff", "expire must be hex")
            let token = try await MonibucaFixture.token()
            try await client.execute(
                uri: "/api/secret/subscribe/live/test?plugin=rtmp", method: .get,
                headers: MonibucaFixture.bearer(token)
            ) { response in
                #expect(response.status == .notFound)
                let json = try MonibucaFixture.json(response.body)
                #expect((json["message"] as? String)?.contains("no subscribe key configured for plugin rtmp") == true)
            }
            try await expect400(client, "/api/secret/publish/live%2F..%2Fx", "stream path")
            try await expect400(client, "/api/secret/publish/live/a%20b", "stream path")
        }
    }

    @Test("the verifier refuses expired, wrong-length and mismatched secrets, each with its own message")
    func verifierRefusals() throws {
        let now = Date(timeIntervalSince1970: 0x6610_f4a0 - 10)
        let good = StreamSignature.secret(key: "pubkey", streamPath: "live/test", expire: "6610f4a0")
        #expect(good == Self.liveTestPublish)
        func check(_ secret: String?, _ expire: String?, at date: Date = now) -> StreamSignature.Refusal? {
            do {
                try StreamSignature.check(
                    secret: secret, expire: expire, key: "pubkey", streamPath: "live/test", now: date)
                return nil
            } catch { return error }
        }
        #expect(check(good, "6610f4a0") == nil)
        #expect(check(good.uppercased(), "6610f4a0") == nil)
        #expect(check(good, "6610f4a0", at: Date(timeIntervalSince1970: 0x6610_f4a0 + 1)) == .expired)
        #expect(check(good, "zz") == .expired)
        #expect(check(String(good.dropLast()), "6610f4a0") == .wrongLength)
        #expect(check(String(good.dropLast()) + "0", "6610f4a0") == .mismatch)
        #expect(check(nil, "6610f4a0") == .missing)
        let messages = Set([StreamSignature.Refusal.expired, .wrongLength, .mismatch].map(\.description))
        #expect(
            messages == ["auth failed expired", "auth failed secret length must be 32", "auth failed invalid secret"])
    }

    @Test("verify only checks when stream_auth is enabled and a key exists for the direction")
    func verifyPolicy() throws {
        var settings = ParleyConfig.StreamAuth(enabled: false, keys: ["global": .init(publish: "pubkey")])
        try StreamSignature.verify(settings, direction: .publish, streamPath: "live/test", secret: nil, expire: nil)
        settings.enabled = true
        #expect(throws: StreamSignature.Refusal.missing) {
            try StreamSignature.verify(settings, direction: .publish, streamPath: "live/test", secret: nil, expire: nil)
        }
        try StreamSignature.verify(settings, direction: .subscribe, streamPath: "live/test", secret: nil, expire: nil)
        try StreamSignature.verify(
            settings, direction: .publish, streamPath: "live/test", secret: Self.liveTestPublish,
            expire: "6610f4a0", now: Date(timeIntervalSince1970: 0x6610_f4a0))
    }
}
