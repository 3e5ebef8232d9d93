import Foundation
import Testing
@testable import ParleyConformance

@Suite("engine building blocks")
struct EngineUnitTests {
    @Test("a placeholder string is replaced in the tree, so a value that needs escaping stays one string")
    func placeholderReplacement() throws {
        let body = JSONValue.object([
            ("room_id", .string("conform-x")), ("nested", .array([.string("conform-x"), .string("keep")])),
            ("conform-x", .number(1, text: "1")),
        ])
        let replaced = body.replacingString("conform-x", with: #"a"b\c"#)
        #expect(replaced["room_id"]?.stringValue == #"a"b\c"#)
        #expect(replaced["nested"] == .array([.string(#"a"b\c"#), .string("keep")]))
        #expect(replaced["conform-x"] == .number(1, text: "1"))
        #expect(try JSONValue.parse(replaced.compactText) == replaced)
    }

    @Test("the parley profile selects Parley's APIs, not v5 and not the switched-off MiroTalk cases")
    func parleyProfileSelection() {
        let ids = [
            "mirotalk/stats/auth-missing-key", "mirotalk/stats/disabled-body", "monibuca-v6/login/shape",
            "monibuca-v5/login/shape", "http/cors/no-origin", "meeting/rooms/create", "room-ws/join/token",
        ]
        let cases = ids.map { id in
            ConformanceCase(
                id: id, title: id, severity: .must, reference: SpecReference("docs/contracts.md", "Profiles"),
                requirement: id
            ) { _ in .pass(observed: id) }
        }
        let parley = Selection.inProfiles(cases, ["parley"]).map(\.id)
        #expect(
            parley == [
                "mirotalk/stats/auth-missing-key", "monibuca-v6/login/shape", "http/cors/no-origin",
                "meeting/rooms/create", "room-ws/join/token",
            ])
        #expect(Selection.inProfiles(cases, ["monibuca-v5"]).map(\.id) == ["monibuca-v5/login/shape"])
        #expect(Selection.inProfiles(cases, ["mirotalk"]).count == 2)
        #expect(Selection.inProfiles(cases, []).count == ids.count)
    }

    @Test("JSON parser keeps object key order and rejects malformed input without trapping")
    func jsonKeyOrder() throws {
        let value = try JSONValue.parse(#"{"b":1,"a":[true,null,"x\u00e9"],"c":{"z":1.5,"y":-2e3}}"#)
        #expect(value.objectKeys == ["b", "a", "c"])
        #expect(value.value(at: "c")?.objectKeys == ["z", "y"])
        #expect(value.value(at: "a.2")?.stringValue == "xé")
        #expect(value.compactText == #"{"b":1,"a":[true,null,"xé"],"c":{"z":1.5,"y":-2e3}}"#)
        for bad in ["{", "{\"a\":}", "[1,]", "\"\\u12\"", "01", "{\"a\":1} x", "", "\u{1}"] {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(bad) }
        }
    }

    static let schemaDocument = try! JSONValue.parseYAML(
        """
        components:
          schemas:
            Thing:
              type: object
              required: [id, kind]
              additionalProperties: false
              properties:
                id: { type: string, format: uuid }
                kind: { type: string, enum: [a, b] }
                when: { type: string, format: date-time }
                link: { type: string, format: uri }
                count: { type: integer, minimum: 0 }
                note: { type: [string, "null"] }
                tags: { type: array, items: { type: string } }
                either: { oneOf: [ { type: integer }, { type: boolean } ] }
        """)

    func violations(_ json: String) throws -> [String] {
        let validator = JSONSchemaValidator(root: Self.schemaDocument)
        return validator.validate(
            try JSONValue.parse(json), against: .object([("$ref", .string("#/components/schemas/Thing"))])
        )
        .map(\.description)
    }

    @Test("schema validator accepts a valid instance and names each kind of violation")
    func schemaValidator() throws {
        let ok =
            #"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","when":"2026-08-21T16:31:37.123Z","link":"https://x.example/j","count":3,"note":null,"tags":["t"],"either":true}"#
        #expect(try violations(ok).isEmpty)
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc"}"#).contains {
                $0.contains("required property \"kind\"")
            })
        #expect(try violations(#"{"id":"x","kind":"a"}"#).contains { $0.contains("not a valid uuid") })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"c"}"#).contains {
                $0.contains("not one of")
            })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","extra":1}"#).contains {
                $0.contains("not allowed")
            })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","count":1.5}"#).contains {
                $0.contains("expected integer")
            })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","when":"21/08/2026"}"#).contains {
                $0.contains("date-time")
            })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","link":"no scheme"}"#).contains {
                $0.contains("uri")
            })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","note":3}"#).contains {
                $0.contains("string or null")
            })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","tags":[1]}"#).contains {
                $0.contains("$.tags[0]")
            })
        #expect(
            try violations(#"{"id":"6f1c2a9e-1b2c-4d3e-8f40-123456789abc","kind":"a","either":"s"}"#).contains {
                $0.contains("oneOf")
            })
    }

    @Test("CryptoJS Salted__ decrypt matches an OpenSSL EVP_BytesToKey(MD5) AES-256-CBC vector, and round-trips")
    func cryptoJSVector() throws {
        // openssl enc -aes-256-cbc -md md5 -S 0102030405060708 -pass pass:mirotalksfu_jwt_secret
        let cipher = try #require(
            Data(
                base64Encoded:
                    "zRfvcz0CegPWlbtR6yec7T5xDOgVF2+wi+n9hBhN2nzZTKm6rIZIvDkX9fnHg1DyJ8BCmPOJ+QbQxeSIWS858g=="))
        let envelope = Data(Array("Salted__".utf8) + [1, 2, 3, 4, 5, 6, 7, 8] + Array(cipher)).base64EncodedString()
        #expect(envelope.hasPrefix("U2FsdGVkX1"))
        #expect(CryptoJSPassphrase.structureProblem(envelope) == nil)
        #expect(
            CryptoJSPassphrase.decrypt(envelope, passphrase: "mirotalksfu_jwt_secret")
                == #"{"username":"alice","password":"s3cret","presenter":"true"}"#)
        #expect(
            CryptoJSPassphrase.decrypt(envelope, passphrase: "wrong")
                != #"{"username":"alice","password":"s3cret","presenter":"true"}"#)
        let made = CryptoJSPassphrase.encrypt("hello", passphrase: "k", salt: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(CryptoJSPassphrase.decrypt(made, passphrase: "k") == "hello")
        #expect(CryptoJSPassphrase.structureProblem("eyJhIjoxfQ==") != nil)
    }

    @Test("HS256 tokens verify only under their secret")
    func jwt() throws {
        let token = JWTInspector.signHS256(payload: .object([("data", .string("x"))]), secret: "s")
        let jwt = try JWTInspector(token)
        #expect(jwt.header["alg"]?.stringValue == "HS256")
        #expect(jwt.signatureIsValid(secret: "s"))
        #expect(!jwt.signatureIsValid(secret: "t"))
        #expect(throws: JWTInspector.Problem.self) { try JWTInspector("a.b") }
    }

    @Test("encodeURIComponent matches JavaScript for reserved, unreserved and non-ASCII characters")
    func uriComponent() {
        #expect(MiroTalkSuite.encodeURIComponent("John Doe") == "John%20Doe")
        #expect(MiroTalkSuite.encodeURIComponent("a&b/c?d=e%") == "a%26b%2Fc%3Fd%3De%25")
        #expect(MiroTalkSuite.encodeURIComponent("!~*'()-_.") == "!~*'()-_.")
        #expect(MiroTalkSuite.encodeURIComponent("María") == "Mar%C3%ADa")
    }

    @Test("globs select by wildcard or prefix, and a pattern matching nothing is an error")
    func selection() throws {
        #expect(Selection.glob("mirotalk/*/auth-*", matches: "mirotalk/stats/auth-wrong-key"))
        #expect(Selection.glob("mirotalk/join", matches: "mirotalk/join/defaults"))
        #expect(!Selection.glob("mirotalk/join", matches: "mirotalk/joiner/x"))
        #expect(Selection.glob("*token*", matches: "mirotalk/token/claims"))
        #expect(!Selection.glob("mirotalk/?tats/x", matches: "mirotalk/stats/y"))
        let cases = try catalogue()
        #expect(throws: Selection.NoMatch.self) {
            try Selection.select(cases, profiles: ["mirotalk"], include: ["mirotalk/nope-*"], exclude: [])
        }
        #expect(throws: Selection.NoMatch.self) {
            try Selection.select(cases, profiles: ["mirotalk"], include: [], exclude: ["typo/*"])
        }
        let picked = try Selection.select(
            cases, profiles: ["mirotalk"], include: ["mirotalk/token"], exclude: ["*no-body"])
        #expect(
            !picked.isEmpty && picked.allSatisfy { $0.id.hasPrefix("mirotalk/token/") && !$0.id.hasSuffix("no-body") })
    }

    @Test("every mirotalk case has a stable lower-case id, a spec reference and a requirement")
    func catalogueShape() throws {
        let cases = try catalogue()
        #expect(cases.count >= 60)
        for c in cases {
            #expect(c.id == c.id.lowercased() && c.id.split(separator: "/").count == 3, "\(c.id)")
            #expect(!c.reference.text.isEmpty && !c.requirement.isEmpty, "\(c.id)")
        }
    }
}

/// The catalogue as shipped, from this checkout's `spec/`, loaded once per test process: parsing the spec documents
/// takes seconds of CPU in a debug build, and every fault run of the sweeps selects from it. Loading it per run also
/// blocked the concurrency pool's threads, stalling the other runs' exchanges for as long.
func catalogue() throws -> [ConformanceCase] {
    try shippedCatalogue.get()
}

private let shippedCatalogue = Result { try ConformanceCatalogue.all(specDirectory: specDirectory) }

let specDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("spec")
