import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
@testable import ParleyConformance

/// One deliberately broken rule of the Monibuca V6 HTTP API; `none` is the reference behaviour
/// (https://monibuca.com/en/api/http-api/ and docs/contracts.md §Monibuca envelope).
enum MonibucaFault: String, CaseIterable, Sendable {
    case none
    // envelope
    case notFoundAs200, methodNotAllowedAs404, allowMissing, badJSONAs500, oversizeAs500, textPlainContentType,
        successNoData
    // login
    case loginFlatOnly, loginNestedOnly, noAuthLoginAlias, tokenWrongSubject, secretIgnored, expiresAtMillis,
        anyPasswordAccepted, unknownUserAs404, missingFieldsAs401, issuesHS384Label
    // token checks
    case missingTokenAccepted, unauthorizedAs403, noWWWAuthenticate, emptyBearerPasses, malformedTokenAs500,
        signatureUnchecked, expiryUnchecked, notBeforeUnchecked, algorithmUnchecked, algNoneAccepted,
        rawTokenRefused, schemeCaseSensitive, noNewToken, newTokenAlways, excludeIgnored, doubleSlashBypass,
        secretUnguarded, meetingUnguarded
    // /api/secret
    case secretWithSeparator, subscribeSignedWithPublishKey, defaultExpireOneDay, expireParameterIgnored,
        pluginParameterIgnored, encodedPathKept, badTypeAccepted, badExpireAccepted, secretWithoutPlugin
    // WHIP/WHEP signatures
    case streamAuthOff, streamExpiryUnchecked, secretPrefixCompare, secretValueUnchecked, whepUnchecked,
        whepSignedWithPublishKey, emptyOfferAs500, pushAliasUnchecked
    // plugin prefixes and streams
    case unbuiltAs404, streamsTotalString, streamItemWithoutPath, unknownStreamAs200
}

/// An in-process Monibuca V6-like target on 127.0.0.1 (port 0), correct except for one `MonibucaFault`.
struct FaultyMonibuca: Sendable {
    static let username = "conform-admin"
    static let password = "conform-pass"
    static let authSecret = "conform-auth-secret"
    static let publishKey = "conform-publish-key"
    static let subscribeKey = "conform-subscribe-key"
    static let unbuilt = Set(MonibucaV6Suite.pluginPrefixes.map { String($0.split(separator: "/")[0]) })

    let fault: MonibucaFault
    var httpFault: HTTPFault = .none

    static var options: RunOptions {
        RunOptions(
            target: "", profiles: ["monibuca-v6"], authSecret: authSecret, username: username, password: password,
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

    struct Refusal: Error {
        let status: HTTPResponse.Status
        let message: String
        var headers: HTTPFields = [:]
    }

    func envelope(_ status: HTTPResponse.Status, _ members: [(String, JSONValue)], headers: HTTPFields = [:])
        -> Response
    {
        var fields: HTTPFields = [
            .contentType: fault == .textPlainContentType ? "text/plain" : "application/json; charset=utf-8"
        ]
        fields.append(contentsOf: headers)
        let body = JSONValue.object(members)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body.compactText)))
    }

    func success(_ data: JSONValue?, extra: [(String, JSONValue)] = [], headers: HTTPFields = [:]) -> Response {
        var members: [(String, JSONValue)] = [("code", .integer(0)), ("message", .string("success"))] + extra
        if let data { members.append(("data", data)) }
        return envelope(.ok, members, headers: headers)
    }

    func failure(_ refusal: Refusal) -> Response {
        envelope(
            refusal.status, [("code", .integer(refusal.status.code)), ("message", .string(refusal.message))],
            headers: refusal.headers)
    }

    func respond(_ request: Request) async -> Response {
        let response: Response
        if let early = await hygiene(request) {
            response = early
        } else if let preflight = preflight(request) {
            response = preflight
        } else {
            do { response = try await route(request) } catch let refusal as Refusal {
                response = failure(refusal)
            } catch {
                response = failure(Refusal(status: .internalServerError, message: "\(error)"))
            }
        }
        return withCORS(response, request)
    }

    func route(_ request: Request) async throws -> Response {
        let rawPath = request.uri.path
        let segments = rawPath.split(separator: "/").map(String.init)
        let buffer = (try? await request.body.collect(upTo: 8 << 20)) ?? ByteBuffer()
        let bytes = Array(buffer.readableBytesView)
        if bytes.count > 1 << 20 {
            throw Refusal(
                status: fault == .oversizeAs500 ? .internalServerError : .contentTooLarge, message: "body too large")
        }
        guard let first = segments.first else { return Response(status: .ok) }
        if first == "webrtc" { return try webrtc(request, segments) }
        if segments.starts(with: ["api", "login"]) || segments.starts(with: ["api", "auth", "login"]) {
            if segments == ["api", "auth", "login"] && fault == .noAuthLoginAlias {
                throw Refusal(status: .notFound, message: "no route")
            }
            guard request.method == .post else {
                throw methodNotAllowed("POST")
            }
            return try login(bytes)
        }
        let isModule = Self.unbuilt.contains(first) && !(first == "transcode" && segments.dropFirst().first != "api")
        let isMeeting = first == "meeting" && segments.dropFirst().first == "api"
        guard first == "api" || isModule || isMeeting else { throw Refusal(status: .notFound, message: "not found") }
        var newToken: String? = nil
        let excluded = (first == "flv" || first == "hls") && fault != .excludeIgnored
        let skipAuth =
            excluded || (fault == .doubleSlashBypass && rawPath.contains("//"))
            || (fault == .secretUnguarded && segments.starts(with: ["api", "secret"]))
            || (fault == .meetingUnguarded && isMeeting)
        if !skipAuth { newToken = try authenticate(request.headers[.authorization]) }
        var headers: HTTPFields = [:]
        if let newToken { headers[HTTPField.Name("New-Token")!] = newToken }
        if isModule {
            if fault == .unbuiltAs404 { throw Refusal(status: .notFound, message: "not found") }
            throw Refusal(status: .notImplemented, message: "the \(first) module is not implemented")
        }
        if isMeeting {
            if segments == ["meeting", "api", "rooms"] { return success(.array([]), headers: headers) }
            throw Refusal(status: .notFound, message: "no such meeting route")
        }
        if segments == ["api", "streams"] {
            guard request.method == .get else { throw methodNotAllowed("GET") }
            if fault == .successNoData {
                return envelope(.ok, [("code", .integer(0)), ("message", .string("success"))], headers: headers)
            }
            let item: JSONValue =
                fault == .streamItemWithoutPath
                ? .object([("state", .string("publishing"))])
                : .object([("path", .string("live/cam")), ("state", .string("publishing"))])
            let total: JSONValue = fault == .streamsTotalString ? .string("1") : .integer(1)
            return success(.object([("total", total), ("streams", .array([item]))]), headers: headers)
        }
        if segments.count >= 3, segments[0] == "api", segments[1] == "stream" {
            if fault == .unknownStreamAs200 { return success(.null) }
            throw Refusal(status: .notFound, message: "no such stream")
        }
        if segments.starts(with: ["api", "secret"]) {
            guard request.method == .get else { throw methodNotAllowed("GET") }
            return success(try sign(request, segments), headers: headers)
        }
        if fault == .notFoundAs200 {
            return envelope(.ok, [("code", .integer(404)), ("message", .string("not found"))])
        }
        throw Refusal(status: .notFound, message: "no such route")
    }

    func methodNotAllowed(_ allow: String) -> Refusal {
        if fault == .methodNotAllowedAs404 { return Refusal(status: .notFound, message: "not found") }
        return Refusal(
            status: .methodNotAllowed, message: "use \(allow)",
            headers: fault == .allowMissing ? [:] : [.allow: allow])
    }
}
