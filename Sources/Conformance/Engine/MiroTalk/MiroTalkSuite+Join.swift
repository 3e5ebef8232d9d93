import Foundation

extension MiroTalkSuite {
    static let joinReference = MiroTalkUpstream.serverAPI(line: 106, "getJoinURL")
    static let joinOrder = [
        "room", "roomPassword", "name", "avatar", "audio", "video", "screen", "chat", "hide",
        "notify", "duration",
    ]

    static func joinURL(_ context: CaseContext, _ body: JSONValue) async throws -> String {
        try await MiroTalkRoutes.requireEnabled(.join, context)
        let json = try await expectJSON(context, try keyed(context, "POST", "/api/v1/join", json: body))
        guard let url = json["join"]?.stringValue else {
            throw CaseStop.violated(expected: "{\"join\": <string>}", observed: json.compactText)
        }
        return url
    }

    /// `?a=1&b=2` → [(a, 1), (b, 2)] without decoding, so encoding can be checked.
    static func rawQuery(_ url: String) -> [(String, String)] {
        guard let q = url.firstIndex(of: "?") else { return [] }
        return url[url.index(after: q)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    static func joinCases() -> [ConformanceCase] {
        [
            ConformanceCase(
                id: "mirotalk/join/url-oracle", title: "join URL equals the upstream test oracle byte for byte",
                severity: .must,
                reference: MiroTalkUpstream.tests(line: 170, "getJoinURL: a valid join URL with the given data"),
                requirement:
                    "{room:'room1', roomPassword:'password123', name:'John Doe', avatar:'test.jpg', audio:true, ...duration:'00:30:00'} → https://<Host>/join?room=room1&roomPassword=password123&name=John%20Doe&avatar=test.jpg&audio=true&video=false&screen=false&chat=false&hide=false&notify=false&duration=00:30:00"
            ) { context in
                let body: JSONValue = .object([
                    ("room", .string("room1")), ("roomPassword", .string("password123")), ("name", .string("John Doe")),
                    ("avatar", .string("test.jpg")), ("audio", .bool(true)), ("video", .bool(false)),
                    ("screen", .bool(false)), ("chat", .bool(false)), ("hide", .bool(false)), ("notify", .bool(false)),
                    ("duration", .string("00:30:00")),
                ])
                let url = try await joinURL(context, body)
                let expected =
                    "https://\(context.target.hostHeader)/join?room=room1&roomPassword=password123&name=John%20Doe&avatar=test.jpg&audio=true&video=false&screen=false&chat=false&hide=false&notify=false&duration=00:30:00"
                try check(url == expected, expected: expected, observed: url)
                return .pass(observed: url)
            },
            ConformanceCase(
                id: "mirotalk/join/parameter-order", title: "join URL parameters come in the fixed upstream order",
                severity: .must, reference: joinReference,
                requirement:
                    "Parameters appear as room, roomPassword, name, avatar, audio, video, screen, chat, hide, notify, duration[, token]."
            ) { context in
                let url = try await joinURL(
                    context, .object([("room", .string("order-room")), ("audio", .bool(true))]))
                let keys = rawQuery(url).map(\.0)
                try check(
                    keys == joinOrder, expected: joinOrder.joined(separator: "&"), observed: keys.joined(separator: "&")
                )
                return .pass(observed: url)
            },
            ConformanceCase(
                id: "mirotalk/join/defaults", title: "an empty body takes every documented default",
                severity: .must, reference: joinReference,
                requirement:
                    "{} → room=<uuid v4>&roomPassword=false&name=User-<0..999998>&avatar=false&audio=false&video=false&screen=false&chat=false&hide=false&notify=false&duration=unlimited"
            ) { context in
                let url = try await joinURL(context, .object([]))
                let host = NSRegularExpression.escapedPattern(for: context.target.hostHeader)
                let pattern =
                    "^https://\(host)/join\\?room=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}&roomPassword=false&name=User-[0-9]{1,6}&avatar=false&audio=false&video=false&screen=false&chat=false&hide=false&notify=false&duration=unlimited$"
                try check(
                    url.range(of: pattern, options: .regularExpression) != nil, expected: "URL matching /\(pattern)/",
                    observed: url)
                return .pass(observed: url)
            },
            ConformanceCase(
                id: "mirotalk/join/name-avatar-encoding",
                title: "name and avatar are encoded as encodeURIComponent does; room is raw",
                severity: .must, reference: joinReference,
                requirement:
                    "name and avatar go through encodeURIComponent (space → %20, & → %26, / → %2F, UTF-8 bytes as %XX; ! ~ * ' ( ) stay); room, roomPassword and duration are not encoded."
            ) { context in
                let name = "Ana María & Co/50%? (ok)!"
                let avatar = "https://img.example/a b.png"
                let url = try await joinURL(
                    context,
                    .object([
                        ("room", .string("enc-room_1.x~")), ("name", .string(name)),
                        ("avatar", .string(avatar)),
                    ]))
                let query = Dictionary(rawQuery(url), uniquingKeysWith: { a, _ in a })
                let wanted = [
                    "room": "enc-room_1.x~", "name": encodeURIComponent(name), "avatar": encodeURIComponent(avatar),
                ]
                for (key, value) in wanted.sorted(by: { $0.key < $1.key }) {
                    try check(
                        query[key] == value, expected: "\(key)=\(value)",
                        observed: "\(key)=\(query[key] ?? "(missing)") in \(url)")
                }
                return .pass(observed: url)
            },
            ConformanceCase(
                id: "mirotalk/join/with-token", title: "a token object appends &token=<HS256 JWT> last",
                severity: .must, reference: joinReference,
                requirement:
                    "With `token: {username, password, presenter}` the URL ends in &token=<JWT made as /api/v1/token makes it>."
            ) { context in
                let url = try await joinURL(
                    context,
                    .object([
                        ("room", .string("token-room")),
                        (
                            "token",
                            .object([
                                ("username", .string("alice")), ("password", .string("s3cret")),
                                ("presenter", .bool(true)),
                            ])
                        ),
                    ]))
                let query = rawQuery(url)
                try check(
                    query.map(\.0) == joinOrder + ["token"], expected: (joinOrder + ["token"]).joined(separator: "&"),
                    observed: query.map(\.0).joined(separator: "&"))
                let token = query.last?.1 ?? ""
                let jwt: JWTInspector
                do { jwt = try JWTInspector(token) } catch {
                    throw CaseStop.violated(expected: "token= a JWT", observed: "\(token.prefix(80)): \(error)")
                }
                try check(
                    jwt.header["alg"]?.stringValue == "HS256", expected: "alg HS256", observed: jwt.header.compactText)
                try check(
                    jwt.payload["data"]?.stringValue.map { CryptoJSPassphrase.structureProblem($0) == nil } == true,
                    expected: "data claim in CryptoJS Salted__ format", observed: jwt.payload.compactText)
                if let secret = context.options.jwtSecret {
                    try check(
                        jwt.signatureIsValid(secret: secret), expected: "signature valid under --jwt-secret",
                        observed: "invalid signature")
                }
                return .pass(observed: url)
            },
            ConformanceCase(
                id: "mirotalk/join/missing-body", title: "POST /join without any body (MiroTalk 500, Parley 400)",
                severity: .info, reference: SpecReference("spec/mirotalk-v1.yaml#getJoinURL", "400"),
                requirement:
                    "Open: upstream destructures an undefined body and answers 500; Parley deliberately answers 400. Recorded, not judged."
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.join, context)
                let response = try await context.send(try keyed(context, "POST", "/api/v1/join"))
                let flavour =
                    response.status == 400
                    ? "Parley behaviour"
                    : response.status == 500 ? "upstream MiroTalk behaviour" : "neither upstream nor Parley"
                return .observed("\(response.status) \(response.bodyText.prefix(200)) (\(flavour))")
            },
        ]
    }
}
