import Testing
import ParleyCrypto

@Suite("HS256 JWT")
struct HS256JWTTests {
    // The widely published jwt.io example token (HS256, secret "your-256-bit-secret").
    let known =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

    @Test("signing reproduces the known jwt.io vector byte for byte and verifies it")
    func knownVector() throws {
        let signed = HS256JWT.sign(
            claimsJSON: #"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
            secret: "your-256-bit-secret")
        #expect(signed == known)
        let claims = try HS256JWT.verify(known, secret: "your-256-bit-secret")
        #expect(String(decoding: claims, as: UTF8.self) == #"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#)
    }

    @Test("short secrets work (MiroTalk's default is 22 bytes)")
    func shortSecret() throws {
        let token = HS256JWT.sign(claimsJSON: #"{"a":1}"#, secret: "k")
        #expect(try HS256JWT.verify(token, secret: "k") == Array(#"{"a":1}"#.utf8))
    }

    @Test("a wrong secret, a changed claim or a changed signature is refused as badSignature")
    func badSignature() {
        #expect(throws: HS256JWT.Failure.badSignature) { try HS256JWT.verify(known, secret: "other") }
        let parts = known.split(separator: ".").map(String.init)
        let tamperedClaims = parts[0] + "." + Base64URL.encode(Array(#"{"sub":"1"}"#.utf8)) + "." + parts[2]
        #expect(throws: HS256JWT.Failure.badSignature) {
            try HS256JWT.verify(tamperedClaims, secret: "your-256-bit-secret")
        }
    }

    @Test("alg none, HS512 and RS256 are refused whatever the signature")
    func pinnedAlgorithm() {
        for alg in ["none", "HS512", "RS256", "hs256"] {
            let header = Base64URL.encode(Array(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
            let token = header + "." + Base64URL.encode(Array(#"{"a":1}"#.utf8)) + "."
            #expect(throws: HS256JWT.Failure.unsupportedAlgorithm(alg)) { try HS256JWT.verify(token, secret: "s") }
        }
    }

    @Test("malformed tokens are refused without trapping, at every truncation")
    func malformed() {
        for cut in 0..<known.count {
            let prefix = String(known.prefix(cut))
            #expect(throws: (any Error).self) { try HS256JWT.verify(prefix, secret: "your-256-bit-secret") }
        }
        #expect(throws: (any Error).self) { try HS256JWT.verify("a.b.c.d", secret: "s") }
        #expect(throws: (any Error).self) { try HS256JWT.verify("!!.e30.", secret: "s") }
    }
}
