import Foundation

extension MonibucaV6Suite {
    static let signedPath = "live/conform-signed"

    /// GET /api/secret/{type}/{path}{query} with the login token; demands 200 in the envelope and returns `data`.
    static func secretData(
        _ context: CaseContext, type: String = "publish", path: String = signedPath, query: String = ""
    )
        async throws -> JSONValue
    {
        let token = try await token(context)
        let body = try await expectEnvelope(
            context, get("/api/secret/\(type)/\(path)\(query)", token: token), status: 200)
        guard let data = body["data"], data.objectKeys != nil else {
            throw CaseStop.violated(expected: "a data object", observed: body.compactText)
        }
        return data
    }

    static func requireStreamKey(_ context: CaseContext, plugin: String, type: String) throws(CaseStop) -> String {
        guard let key = streamKey(context, plugin: plugin, type: type) else {
            throw .skip("needs --stream-key \(plugin):\(type):KEY (or global:\(type):KEY)")
        }
        return key
    }

    static func secretCases() -> [ConformanceCase] {
        let secretPage = MonibucaReference.v6(
            "§Stream auth signature: GET /api/secret/{publish|subscribe}/{streamPath}")
        let algorithm = MonibucaReference.v5(.plugin, "auth(): secret = md5(key + streamPath + expire)")
        func value(_ type: String) -> ConformanceCase {
            ConformanceCase(
                id: "monibuca-v6/secret/\(type)-value", title: "the \(type) secret is md5(key + streamPath + expire)",
                severity: .must, reference: algorithm,
                requirement:
                    "data.secret is the lower-case hex MD5 of the \(type) key, the stream path and data.expire concatenated (--stream-key)."
            ) { context in
                let key = try requireStreamKey(context, plugin: "global", type: type)
                let data = try await secretData(context, type: type)
                let expire = data["expire"]?.stringValue ?? ""
                let expected = signature(key: key, streamPath: signedPath, expire: expire)
                try check(
                    data["secret"]?.stringValue == expected, expected: "secret \(expected)", observed: data.compactText)
                return .pass(observed: "secret \(expected)")
            }
        }
        func badRequest(_ slug: String, _ title: String, _ path: String) -> ConformanceCase {
            ConformanceCase(
                id: "monibuca-v6/secret/\(slug)", title: title, severity: .must,
                reference: MonibucaReference.v6("§Status codes: 400 bad parameters"),
                requirement: "\(title): GET \(path) answers 400 {code: 400, message}."
            ) { context in
                try await expectEnvelope(context, get(path, token: try await token(context)), status: 400)
                return .pass(observed: "400 envelope")
            }
        }
        return [
            ConformanceCase(
                id: "monibuca-v6/secret/shape", title: "/api/secret answers {type, plugin, streamPath, expire, secret}",
                severity: .must, reference: secretPage,
                requirement:
                    "data has type (publish), plugin (global by default), streamPath, expire (hex) and secret (32 lower-case hex)."
            ) { context in
                let data = try await secretData(context)
                let expire = data["expire"]?.stringValue ?? ""
                try check(
                    data["type"]?.stringValue == "publish" && data["plugin"]?.stringValue == "global"
                        && data["streamPath"]?.stringValue == signedPath && Int64(expire, radix: 16) != nil
                        && isLowerHex32(data["secret"]?.stringValue ?? ""),
                    expected:
                        "{type: publish, plugin: global, streamPath: \(signedPath), expire: <hex>, secret: <32 hex>}",
                    observed: data.compactText)
                return .pass(observed: data.compactText)
            },
            value("publish"),
            value("subscribe"),
            ConformanceCase(
                id: "monibuca-v6/secret/default-expire", title: "expire defaults to about now + 30 minutes",
                severity: .must, reference: secretPage,
                requirement: "Without ?expire, data.expire is hex Unix seconds within a few minutes of now + 1800."
            ) { context in
                let data = try await secretData(context)
                let text = data["expire"]?.stringValue ?? ""
                let expire = Double(Int64(text, radix: 16) ?? 0)
                let wanted = Date().timeIntervalSince1970 + 1800
                try check(
                    abs(expire - wanted) <= 180, expected: "≈ \(String(Int64(wanted), radix: 16)) (now + 30 min)",
                    observed: "\(text) (\(Int(expire - Date().timeIntervalSince1970)) s from now)")
                return .pass(observed: "\(text), \(Int(expire - Date().timeIntervalSince1970)) s from now")
            },
            ConformanceCase(
                id: "monibuca-v6/secret/expire-verbatim", title: "a given expire is used verbatim",
                severity: .must, reference: algorithm,
                requirement:
                    "?expire=7fffffff comes back as data.expire \"7fffffff\" and, with --stream-key, signs the hash."
            ) { context in
                let data = try await secretData(context, query: "?expire=7fffffff")
                try check(
                    data["expire"]?.stringValue == "7fffffff", expected: "expire 7fffffff", observed: data.compactText)
                if let key = streamKey(context, plugin: "global", type: "publish") {
                    let expected = signature(key: key, streamPath: signedPath, expire: "7fffffff")
                    try check(
                        data["secret"]?.stringValue == expected, expected: "secret \(expected)",
                        observed: data.compactText)
                }
                return .pass(observed: data.compactText)
            },
            ConformanceCase(
                id: "monibuca-v6/secret/plugin-parameter", title: "?plugin= selects the plugin whose key signs",
                severity: .should, reference: secretPage,
                requirement:
                    "?plugin=webrtc is echoed as data.plugin and, with a webrtc (or global) key, signs with it."
            ) { context in
                let data = try await secretData(context, query: "?plugin=webrtc")
                try check(
                    data["plugin"]?.stringValue == "webrtc", expected: "plugin webrtc", observed: data.compactText)
                if let key = streamKey(context, plugin: "webrtc", type: "publish") {
                    let expected = signature(
                        key: key, streamPath: signedPath, expire: data["expire"]?.stringValue ?? "")
                    try check(
                        data["secret"]?.stringValue == expected, expected: "secret \(expected)",
                        observed: data.compactText)
                }
                return .pass(observed: data.compactText)
            },
            ConformanceCase(
                id: "monibuca-v6/secret/encoded-path", title: "a URL-encoded stream path is decoded",
                severity: .should, reference: secretPage,
                requirement: "/api/secret/publish/live%2Fconform-encoded signs streamPath \"live/conform-encoded\"."
            ) { context in
                let data = try await secretData(context, path: "live%2Fconform-encoded")
                try check(
                    data["streamPath"]?.stringValue == "live/conform-encoded",
                    expected: "streamPath live/conform-encoded",
                    observed: data.compactText)
                return .pass(observed: data.compactText)
            },
            badRequest(
                "bad-type-400", "a type other than publish or subscribe is refused", "/api/secret/delete/\(signedPath)"),
            badRequest(
                "bad-expire-400", "an expire that is not hex is refused",
                "/api/secret/publish/\(signedPath)?expire=not-hex"),
        ]
    }
}
