import ParleyJSON
import Fixtures
import Foundation
import ParleyConfig
import ParleyCrypto
@testable import ParleyHTTP
import Testing

@Suite("MiroTalk tokens: issuing as jsonwebtoken does, verifying strictly")
struct MiroTalkTokenTests {
    static let secret = "mirotalksfu_jwt_secret"
    static let issuedAt = Date(timeIntervalSince1970: 1_790_000_000)

    func issuer(lifetime: MsDuration = MsDuration.defaultTokenLifetime) -> MiroTalkTokenIssuer {
        MiroTalkTokenIssuer(secret: Self.secret, defaultLifetime: lifetime, clock: ManualClock(now: Self.issuedAt))
    }

    func verifier(at date: Date = issuedAt) -> MiroTalkTokenVerifier {
        MiroTalkTokenVerifier(secret: Self.secret, clock: ManualClock(now: date))
    }

    func decodePart(_ part: Substring) throws -> String {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return String(decoding: try #require([UInt8](base64Encoded: text)), as: UTF8.self)
    }

    @Test("the JWT has jsonwebtoken's header and claim order, and data is CryptoJS AES of the credential JSON")
    func layout() throws {
        let token = try issuer().token(for: .object([("username", "u"), ("password", "p"), ("presenter", true)]))
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        #expect(try decodePart(parts[0]) == #"{"alg":"HS256","typ":"JWT"}"#)
        let claims = try decodePart(parts[1])
        let match = try #require(
            claims.wholeMatch(of: #/\{"data":"(U2FsdGVkX1[A-Za-z0-9+/=]+)","iat":1790000000,"exp":1790003600\}/#))
        #expect(
            PassphraseCipher.decrypt(String(match.1), passphrase: Self.secret)
                == #"{"username":"u","password":"p","presenter":"true"}"#)
        let signature = HMAC.sha256(key: Array(Self.secret.utf8), message: Array("\(parts[0]).\(parts[1])".utf8))
        #expect(Base64URL.encode(signature) == String(parts[2]))
    }

    @Test("a falsy request yields no token; non-object truthy requests take the defaults; null becomes \"null\"")
    func javascriptDefaults() async throws {
        #expect(try issuer().token(for: nil) == "")
        #expect(try issuer().token(for: .bool(false)) == "")
        #expect(try issuer().token(for: .string("")) == "")
        for request: JSONValue in [.string("abc"), .number(7), .array([])] {
            let claims = try await verifier().verify(try issuer().token(for: request))
            #expect(claims.username == "username" && claims.password == "password" && !claims.presenter)
        }
        let claims = try await verifier().verify(
            try issuer().token(for: .object([("username", .null), ("presenter", 1)])))
        #expect(claims.username == "null")
        #expect(claims.presenter) // String(1) == "1" counts, as MiroTalk's consumers read it
    }

    @Test("expiry: numbers are seconds, strings go through ms, the default is jwt.expire; others are refused")
    func expiry() throws {
        let issuer = issuer(lifetime: MsDuration(seconds: 600))
        #expect(try issuer.expiry(nil, issuedAt: 100) == 700)
        #expect(try issuer.expiry(.number(0), issuedAt: 100) == 700) // 0 is falsy → default
        #expect(try issuer.expiry(.number(30), issuedAt: 100) == 130)
        #expect(try issuer.expiry(.string("2 days"), issuedAt: 100) == 100 + 172_800)
        #expect(try issuer.expiry(.string("1500"), issuedAt: 100) == 101) // a digit string is milliseconds, floored
        #expect(throws: MiroTalkTokenIssueError.invalidExpiresIn) {
            try issuer.expiry(.string("1 fortnight"), issuedAt: 0)
        }
        #expect(throws: MiroTalkTokenIssueError.invalidExpiresIn) { try issuer.expiry(.number(2.5), issuedAt: 0) }
        #expect(throws: MiroTalkTokenIssueError.invalidExpiresIn) { try issuer.expiry(.object([]), issuedAt: 0) }
    }

    @Test("verification refuses alg none, HS384/HS512 and RS256 headers, even with a valid HS256 signature")
    func algorithms() async throws {
        let good = try issuer().token(for: .object([]))
        let parts = good.split(separator: ".").map(String.init)
        for alg in ["none", "HS384", "HS512", "RS256", "hs256"] {
            let header = Base64URL.encode(Array(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
            for signature in ["", parts[2]] {
                let forged = "\(header).\(parts[1]).\(signature)"
                await #expect(throws: MiroTalkTokenError.unsupportedAlgorithm(alg)) {
                    try await verifier().verify(forged)
                }
            }
        }
        // A header re-signed honestly with HS512 under the same secret is still not accepted.
        let header512 = Base64URL.encode(Array(#"{"alg":"HS512","typ":"JWT"}"#.utf8))
        let input = "\(header512).\(parts[1])"
        let sig512 = Base64URL.encode(
            HMAC.authenticate(.sha256, key: Array(Self.secret.utf8), message: Array(input.utf8)))
        await #expect(throws: MiroTalkTokenError.unsupportedAlgorithm("HS512")) {
            try await verifier().verify("\(input).\(sig512)")
        }
    }

    @Test("verification refuses a wrong secret, a tampered payload, an expired token and garbage")
    func refusals() async throws {
        let token = try issuer().token(for: .object([("username", "u")]))
        let other = MiroTalkTokenVerifier(secret: "another", clock: ManualClock(now: Self.issuedAt))
        await #expect(throws: MiroTalkTokenError.badSignature) { try await other.verify(token) }

        let parts = token.split(separator: ".").map(String.init)
        let tamperedClaims = Base64URL.encode(Array(#"{"data":"x","iat":1790000000,"exp":1890003600}"#.utf8))
        await #expect(throws: MiroTalkTokenError.badSignature) {
            try await verifier().verify("\(parts[0]).\(tamperedClaims).\(parts[2])")
        }
        // Expired at exactly exp (jsonwebtoken: now >= exp), valid one second before.
        _ = try await verifier(at: Self.issuedAt.addingTimeInterval(3599)).verify(token)
        await #expect(throws: MiroTalkTokenError.expired) {
            try await verifier(at: Self.issuedAt.addingTimeInterval(3600)).verify(token)
        }
        for garbage in ["", "a.b", "a.b.c", "....", "\(parts[0]).\(parts[1])"] {
            await #expect(throws: (any Error).self) { try await verifier().verify(garbage) }
        }
    }

    @Test("a correctly signed token whose data is not our ciphertext is refused as undecryptable")
    func undecryptable() async throws {
        let claims = JSONValue.object([("data", "U2FsdGVkX19hYmNkZWZnaA=="), ("iat", 1), ("exp", 4_000_000_000)])
        let token = MiroTalkTokenIssuer.signHS256(claims: claims, secret: Self.secret)
        await #expect(throws: MiroTalkTokenError.undecryptableData) { try await verifier().verify(token) }
        let foreign = PassphraseCipher.encrypt(#"{"username":"a"}"#, passphrase: "not-the-secret")
        let token2 = MiroTalkTokenIssuer.signHS256(
            claims: .object([("data", .string(foreign)), ("exp", 4_000_000_000)]), secret: Self.secret)
        await #expect(throws: MiroTalkTokenError.undecryptableData) { try await verifier().verify(token2) }
    }
}
