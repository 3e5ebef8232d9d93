import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
@testable import ParleyConformance

/// One broken rule of Monibuca v5's HTTP behaviour; `none` behaves as v5's Go code does.
enum MonibucaV5Fault: String, CaseIterable, Sendable {
    case none
    case loginWithoutCode, expiresAtMissing, ttlOneHour, issuesHS384Label, anyPasswordAccepted
    case secretAsJSON, secretWithSeparator, secretUnguarded
    case noPrivateNetworkHeader, wildcardOrigin, noOriginNoHeader, optionsReachHandler
    case expiryUnchecked, genericLengthMessage, pushValueUnchecked, playUnchecked
}

/// A small Monibuca v5-style server for the tests (never Parley): grpc-gateway login at /api/auth/login, the raw
/// md5 text of /api/secret, util.CORS on every answer, and the webrtc plugin's push/play signature checks.
struct MonibucaV5StandIn: Sendable {
    static let username = "admin"
    static let password = "admin-v5"
    static let secret = "m7s_secret_key"
    static let publishKey = "v5-publish-key"
    static let subscribeKey = "v5-subscribe-key"

    let fault: MonibucaV5Fault

    static var options: RunOptions {
        RunOptions(
            target: "", profiles: ["monibuca-v5"], authSecret: secret, username: username, password: password,
            streamKeys: ["global:publish:\(publishKey)", "global:subscribe:\(subscribeKey)"])
    }

    func withServer<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let portBox = PortBox()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in await self.respond(request) }
        let app = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await portBox.set(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            let port = await portBox.wait()
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    func text(_ status: HTTPResponse.Status, _ body: String, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        text(status, value.compactText, type: "application/json")
    }

    func respond(_ request: Request) async -> Response {
        var response: Response
        if request.method == .options && fault != .optionsReachHandler {
            response = Response(status: .ok)
        } else {
            response = await route(request)
        }
        var headers: HTTPFields = [
            .accessControlAllowCredentials: "true",
            .accessControlAllowHeaders: "Content-Type,Access-Token,Authorization",
            .accessControlAllowMethods: "GET,POST,PUT,DELETE,OPTIONS",
        ]
        headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "cross-origin"
        if fault != .noPrivateNetworkHeader {
            headers[HTTPField.Name("Access-Control-Allow-Private-Network")!] = "true"
        }
        if let origin = request.headers[.origin] {
            headers[.accessControlAllowOrigin] = fault == .wildcardOrigin ? "*" : origin
        } else if fault != .noOriginNoHeader {
            headers[.accessControlAllowOrigin] = "*"
        }
        response.headers.append(contentsOf: headers)
        return response
    }

    func route(_ request: Request) async -> Response {
        let segments = request.uri.path.split(separator: "/").map(String.init)
        let bytes = Array(((try? await request.body.collect(upTo: 1 << 20)) ?? ByteBuffer()).readableBytesView)
        if segments == ["api", "auth", "login"], request.method == .post { return login(bytes) }
        if segments.starts(with: ["api", "secret"]), segments.count >= 4 {
            if fault != .secretUnguarded {
                guard let header = request.headers[.authorization] else {
                    return text(.unauthorized, "missing authorization header\n")
                }
                let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header
                guard let jws = try? JWTInspector(token), jws.signatureIsValid(secret: Self.secret) else {
                    return text(.unauthorized, "invalid token\n")
                }
            }
            let type = segments[2], path = segments[3...].joined(separator: "/")
            let expire = request.uri.queryParameters["expire"].map(String.init) ?? ""
            guard type == "publish" || type == "subscribe" else { return text(.ok, "") }
            let key = type == "publish" ? Self.publishKey : Self.subscribeKey
            let secret = MonibucaV6Suite.signature(
                key: key, streamPath: fault == .secretWithSeparator ? "/" + path : path, expire: expire)
            if fault == .secretAsJSON { return json(.ok, .object([("code", .integer(0)), ("data", .string(secret))])) }
            return text(.ok, secret)
        }
        if segments.count >= 3, segments[0] == "webrtc", ["push", "play"].contains(segments[1]) {
            return webrtc(
                request, push: segments[1] == "push", path: segments[2...].joined(separator: "/"), offer: bytes)
        }
        return text(.notFound, "404 page not found\n")
    }

    func login(_ bytes: [UInt8]) -> Response {
        let body = try? JSONValue.parse(bytes)
        guard body?["username"]?.stringValue == Self.username,
            body?["password"]?.stringValue == Self.password
                || (fault == .anyPasswordAccepted && body?["password"] != nil)
        else {
            return json(
                .internalServerError,
                .object([("code", .integer(2)), ("message", .string("invalid credentials")), ("details", .array([]))]))
        }
        let now = Int(Date().timeIntervalSince1970)
        let exp = now + (fault == .ttlOneHour ? 3600 : 86400)
        let header = JSONValue.object([
            ("alg", .string(fault == .issuesHS384Label ? "HS384" : "HS256")), ("typ", .string("JWT")),
        ])
        let claims = JSONValue.object([
            ("sub", .string(Self.username)), ("exp", .integer(exp)), ("nbf", .integer(now)), ("iat", .integer(now)),
        ])
        let token = JWTInspector.signHS256(payload: claims, secret: Self.secret, header: header)
        var info: [(String, JSONValue)] = [("username", .string(Self.username))]
        if fault != .expiresAtMissing { info.append(("expiresAt", .string(String(exp)))) }
        var members: [(String, JSONValue)] = fault == .loginWithoutCode ? [] : [("code", .integer(0))]
        members += [
            ("message", .string("")), ("data", .object([("token", .string(token)), ("userInfo", .object(info))])),
        ]
        return json(.ok, .object(members))
    }

    /// v5's order: the PeerConnection is built from the offer first (500 when it cannot be), then Publish or
    /// Subscribe runs the signature check (400 with its message).
    func webrtc(_ request: Request, push: Bool, path: String, offer: [UInt8]) -> Response {
        guard String(decoding: offer, as: UTF8.self).contains("m=audio") else {
            return text(.internalServerError, "create pc failed\n")
        }
        let checked = !(fault == .playUnchecked && !push)
        if checked {
            let query = request.uri.queryParameters
            let secret = query["secret"].map(String.init) ?? "", expire = query["expire"].map(String.init) ?? ""
            guard let deadline = Int64(expire, radix: 16),
                fault == .expiryUnchecked || Double(deadline) >= Date().timeIntervalSince1970
            else {
                return text(.badRequest, "auth failed expired\n")
            }
            guard secret.count == 32 else {
                return text(
                    .badRequest,
                    fault == .genericLengthMessage ? "auth failed\n" : "auth failed secret length must be 32\n")
            }
            let expected = MonibucaV6Suite.signature(
                key: push ? Self.publishKey : Self.subscribeKey, streamPath: path, expire: expire)
            if secret != expected && !(fault == .pushValueUnchecked && push) {
                return text(.badRequest, "auth failed invalid secret\n")
            }
        }
        return text(push ? .created : .ok, "v=0\r\n", type: "application/sdp")
    }
}
