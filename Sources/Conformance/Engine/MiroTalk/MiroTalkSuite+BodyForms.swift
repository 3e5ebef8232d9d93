import Foundation

/// How MiroTalk reads request bodies: urlencoded as well as JSON (express.urlencoded), `x || default` for every join
/// field, and jsonwebtoken's `expiresIn` rules for the token's `expire` (upstream `app/src/Server.js`, `ServerApi.getJoinURL`, `ServerApi.getToken`).
extension MiroTalkSuite {
    static func bodyFormCases() -> [ConformanceCase] {
        [
            ConformanceCase(
                id: "mirotalk/join/urlencoded-body", title: "a form-urlencoded join body is read like JSON",
                severity: .must, reference: MiroTalkUpstream.server(line: 657, "express.urlencoded, then getJoinURL"),
                requirement:
                    "Body fields come as JSON or application/x-www-form-urlencoded; room=form-room&name=Form%20User&audio=true&duration=00:10:00 gives the same URL a JSON body would."
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.join, context)
                var request = try keyed(
                    context, "POST", "/api/v1/join",
                    extra: [HeaderField("Content-Type", "application/x-www-form-urlencoded")])
                request.body = Array("room=form-room&name=Form%20User&audio=true&duration=00%3A10%3A00".utf8)
                let body = try await expectJSON(context, request)
                let url = body["join"]?.stringValue ?? body.compactText
                let expected =
                    "https://\(context.target.hostHeader)/join?room=form-room&roomPassword=false&name=Form%20User&avatar=false&audio=true&video=false&screen=false&chat=false&hide=false&notify=false&duration=00:10:00"
                try check(url == expected, expected: expected, observed: url)
                return .pass(observed: url)
            },
            ConformanceCase(
                id: "mirotalk/join/falsy-values-take-defaults",
                title: "falsy join fields take the default; truthy non-strings are written raw",
                severity: .must, reference: joinReference,
                requirement:
                    "Each field is `x || default`: \"\", false, 0 and null fall back (room → a UUID, name → User-N, duration → unlimited); true, 1 and \"yes\" are written as JavaScript prints them."
            ) { context in
                let url = try await joinURL(
                    context,
                    .object([
                        ("room", .string("")), ("roomPassword", .bool(true)), ("name", .null), ("avatar", .integer(0)),
                        ("audio", .integer(1)), ("video", .string("yes")), ("screen", .bool(false)),
                        ("duration", .string("")),
                    ]))
                let host = NSRegularExpression.escapedPattern(for: context.target.hostHeader)
                let pattern =
                    "^https://\(host)/join\\?room=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}&roomPassword=true&name=User-[0-9]{1,6}&avatar=false&audio=1&video=yes&screen=false&chat=false&hide=false&notify=false&duration=unlimited$"
                try check(
                    url.range(of: pattern, options: .regularExpression) != nil, expected: "URL matching /\(pattern)/",
                    observed: url)
                return .pass(observed: url)
            },
            tokenCase(
                "expire-number-and-digit-string", "expire 90 is 90 seconds; expire \"90000\" is 90000 ms",
                "jsonwebtoken's expiresIn: a number counts seconds, a digits-only string milliseconds (the `ms` package), so both give exp - iat = 90."
            ) { context in
                var seen: [String] = []
                for expire: JSONValue in [.integer(90), .string("90000")] {
                    let jwt = try await issuedToken(
                        context, body: .object([("username", .string("carol")), ("expire", expire)]))
                    let iat = jwt.payload["iat"]?.doubleValue ?? 0, exp = jwt.payload["exp"]?.doubleValue ?? 0
                    seen.append("expire \(expire.compactText): exp - iat = \(Int(exp - iat))")
                    try check(
                        exp - iat == 90, expected: "exp - iat = 90 for expire \(expire.compactText)",
                        observed: seen.joined(separator: "; "))
                }
                return .pass(observed: seen.joined(separator: "; "))
            },
            tokenCase(
                "invalid-expire", "POST /token with expire \"soon\" (MiroTalk 500; a 400 is kinder)",
                "Open: upstream's jwt.sign throws on an unparsable expiresIn and the generic handler answers 500. Recorded, not judged.",
                severity: .info
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.token, context)
                let response = try await context.send(
                    try keyed(context, "POST", "/api/v1/token", json: .object([("expire", .string("soon"))])))
                let flavour =
                    response.status == 500
                    ? "upstream MiroTalk behaviour"
                    : response.status == 400 ? "refused as a bad request" : "neither 400 nor 500"
                return .observed("\(response.status) \(response.bodyText.prefix(200)) (\(flavour))")
            },
        ]
    }
}
