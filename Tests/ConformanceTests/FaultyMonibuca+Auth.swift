import Foundation
import Hummingbird
@testable import ParleyConformance

extension FaultyMonibuca {
    var signingSecret: String { fault == .secretIgnored ? "m7s_secret_key" : Self.authSecret }

    func issue(subject: String, now: Int) -> String {
        let header = JSONValue.object([
            ("alg", .string(fault == .issuesHS384Label ? "HS384" : "HS256")), ("typ", .string("JWT")),
        ])
        let payload = JSONValue.object([
            ("sub", .string(subject)), ("iat", .integer(now)), ("nbf", .integer(now)), ("exp", .integer(now + 86400)),
        ])
        return JWTInspector.signHS256(payload: payload, secret: signingSecret, header: header)
    }

    func login(_ bytes: [UInt8]) throws -> Response {
        guard let body = try? JSONValue.parse(bytes) else {
            throw Refusal(
                status: fault == .badJSONAs500 ? .internalServerError : .badRequest, message: "body is not JSON")
        }
        guard let username = body["username"]?.stringValue, let password = body["password"]?.stringValue,
            !username.isEmpty, !password.isEmpty
        else {
            throw Refusal(
                status: fault == .missingFieldsAs401 ? .unauthorized : .badRequest,
                message: "username and password required")
        }
        guard username == Self.username else {
            throw Refusal(
                status: fault == .unknownUserAs404 ? .notFound : .unauthorized, message: "invalid credentials")
        }
        guard password == Self.password || fault == .anyPasswordAccepted else {
            throw Refusal(status: .unauthorized, message: "invalid credentials")
        }
        let now = Int(Date().timeIntervalSince1970)
        let token = issue(subject: fault == .tokenWrongSubject ? "user" : username, now: now)
        let expiresAt = fault == .expiresAtMillis ? (now + 86400) * 1000 : now + 86400
        let data = JSONValue.object([
            ("token", .string(token)),
            ("userInfo", .object([("username", .string(username)), ("expiresAt", .integer(expiresAt))])),
        ])
        return success(
            fault == .loginFlatOnly ? nil : data, extra: fault == .loginNestedOnly ? [] : [("token", .string(token))])
    }

    func unauthorized(_ message: String) -> Refusal {
        Refusal(
            status: fault == .unauthorizedAs403 ? .forbidden : .unauthorized, message: message,
            headers: fault == .noWWWAuthenticate ? [:] : [.wwwAuthenticate: #"Bearer realm="conform""#])
    }

    /// Checks the Authorization header; returns a fresh token when the presented one is close to expiry.
    func authenticate(_ header: String?) throws -> String? {
        guard let value = header else {
            if fault == .missingTokenAccepted { return nil }
            throw unauthorized("missing authorization header")
        }
        var token = value
        let hasScheme =
            fault == .schemeCaseSensitive ? value.hasPrefix("Bearer") : value.lowercased().hasPrefix("bearer")
        if hasScheme {
            token = String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)
        } else if fault == .rawTokenRefused {
            throw unauthorized("expected the Bearer scheme")
        }
        if token.isEmpty {
            if fault == .emptyBearerPasses { return nil }
            throw unauthorized("missing token")
        }
        guard let jws = try? JWTInspector(token) else {
            if fault == .malformedTokenAs500 {
                throw Refusal(status: .internalServerError, message: "panic: index out of range")
            }
            throw unauthorized("malformed token")
        }
        let alg = jws.header["alg"]?.stringValue ?? ""
        let unsignedAllowed = alg == "none" && fault == .algNoneAccepted
        let accepted = fault == .issuesHS384Label ? ["HS256", "HS384"] : ["HS256"]
        if !unsignedAllowed && fault != .algorithmUnchecked && !accepted.contains(alg) {
            throw unauthorized("algorithm \(alg) not accepted")
        }
        if !unsignedAllowed && fault != .signatureUnchecked && !jws.signatureIsValid(secret: signingSecret) {
            throw unauthorized("invalid signature")
        }
        guard let exp = jws.payload["exp"]?.doubleValue, let nbf = jws.payload["nbf"]?.doubleValue else {
            throw unauthorized("claims missing")
        }
        let now = Date().timeIntervalSince1970
        if now >= exp && fault != .expiryUnchecked { throw unauthorized("token expired") }
        if now < nbf && fault != .notBeforeUnchecked { throw unauthorized("token not valid yet") }
        if fault == .newTokenAlways || (exp - now < 1800 && fault != .noNewToken) {
            return issue(subject: jws.payload["sub"]?.stringValue ?? "", now: Int(now))
        }
        return nil
    }

    func sign(_ request: Request, _ segments: [String]) throws -> JSONValue {
        guard segments.count >= 4 else { throw Refusal(status: .badRequest, message: "stream path required") }
        let type = segments[2]
        guard type == "publish" || type == "subscribe" || fault == .badTypeAccepted else {
            throw Refusal(status: .badRequest, message: "type must be publish or subscribe")
        }
        let encoded = segments[3...].joined(separator: "/")
        let path = fault == .encodedPathKept ? encoded : (encoded.removingPercentEncoding ?? encoded)
        let query = request.uri.queryParameters
        let plugin = fault == .pluginParameterIgnored ? "global" : (query["plugin"].map(String.init) ?? "global")
        let expire: String
        if let given = query["expire"].map(String.init), fault != .expireParameterIgnored {
            guard Int64(given, radix: 16) != nil || fault == .badExpireAccepted else {
                throw Refusal(status: .badRequest, message: "expire must be hex")
            }
            expire = given
        } else {
            let validity = fault == .defaultExpireOneDay ? 86400.0 : 1800.0
            expire = String(Int64(Date().timeIntervalSince1970 + validity), radix: 16)
        }
        let key = type == "subscribe" && fault != .subscribeSignedWithPublishKey ? Self.subscribeKey : Self.publishKey
        let signed = fault == .secretWithSeparator ? "/" + path : path
        var members: [(String, JSONValue)] = [("type", .string(type))]
        if fault != .secretWithoutPlugin { members.append(("plugin", .string(plugin))) }
        members += [
            ("streamPath", .string(path)), ("expire", .string(expire)),
            ("secret", .string(MonibucaV6Suite.signature(key: key, streamPath: signed, expire: expire))),
        ]
        return .object(members)
    }

    /// WHIP/WHEP (and v5's push/play) at the HTTP level: the signature check, then an empty offer is refused.
    func webrtc(_ request: Request, _ segments: [String]) throws -> Response {
        guard request.method == .post, segments.count >= 3 else {
            throw Refusal(status: .notFound, message: "not found")
        }
        let endpoint = segments[1]
        let streamPath = segments[2...].joined(separator: "/")
        let publish = endpoint == "whip" || endpoint == "push"
        let checked =
            fault != .streamAuthOff && !(fault == .whepUnchecked && !publish)
            && !(fault == .pushAliasUnchecked && endpoint == "push")
        if checked {
            let query = request.uri.queryParameters
            guard let secret = query["secret"].map(String.init), let expire = query["expire"].map(String.init) else {
                throw Refusal(status: .unauthorized, message: "auth failed secret and expire are required")
            }
            guard let deadline = Int64(expire, radix: 16),
                fault == .streamExpiryUnchecked || Double(deadline) >= Date().timeIntervalSince1970
            else { throw Refusal(status: .forbidden, message: "auth failed expired") }
            let key = publish || fault == .whepSignedWithPublishKey ? Self.publishKey : Self.subscribeKey
            let expected = MonibucaV6Suite.signature(key: key, streamPath: streamPath, expire: expire)
            if fault == .secretPrefixCompare {
                guard !secret.isEmpty, expected.hasPrefix(secret) else {
                    throw Refusal(status: .forbidden, message: "auth failed invalid secret")
                }
            } else {
                guard secret.count == 32 else {
                    throw Refusal(status: .forbidden, message: "auth failed secret length must be 32")
                }
                guard fault == .secretValueUnchecked || secret == expected else {
                    throw Refusal(status: .forbidden, message: "auth failed invalid secret")
                }
            }
        }
        throw Refusal(
            status: fault == .emptyOfferAs500 && endpoint == "whip" ? .internalServerError : .badRequest,
            message: "the offer has no media section")
    }
}
