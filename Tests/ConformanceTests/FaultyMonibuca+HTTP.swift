import Foundation
import Hummingbird
import NIOCore
@testable import ParleyConformance

/// One broken rule of the `http` profile (CORS and hygiene), layered over the Monibuca stand-in.
enum HTTPFault: String, CaseIterable, Sendable {
    case none
    case corsOff, wildcardWithCredentials, noVary, reflectAnyOrigin, corsOnlyOnSuccess, preflightNeedsToken,
        allowHeadersStar, preflightWithoutPOST
    case badJSONAs500, arrayBodyAs500, deepNestingAs500, oversizeAs500, textPlainAs500, noContentTypeAs500,
        invalidUTF8BodyAs500, unknownMethodAs500, plainOptionsAs500
    case dotSegmentsServeFiles, nulAs500, badPercentLeaksTrace, invalidUTF8PathAs500, longPathAs500, oddQueryAs500
    case closeEveryResponse, headAs405, chunkedRefused, chunkedIgnored
}

extension FaultyMonibuca {
    static let allowedOrigin = "https://conform.example"

    func crash(_ message: String = "panic: runtime error") -> Response {
        Response(
            status: .internalServerError, headers: [.contentType: "text/plain"],
            body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    /// The hygiene faults, decided before routing; nil = route normally.
    func hygiene(_ request: Request) async -> Response? {
        let target = request.uri.description
        let type = request.headers[.contentType]
        switch httpFault {
        // HTTP parsers refuse unregistered methods before any handler; PROPFIND is registered and reaches it.
        case .unknownMethodAs500 where request.method.rawValue == "PROPFIND": return crash()
        case .plainOptionsAs500 where request.method == .options && request.headers[.accessControlRequestMethod] == nil:
            return crash()
        case .dotSegmentsServeFiles where target.lowercased().contains("%2e%2e"):
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "root:x:0:0:root:/root:/bin/sh\n")))
        case .nulAs500 where target.contains("%00"): return crash()
        case .badPercentLeaksTrace where request.uri.path.contains("%zz"):
            return Response(
                status: .badRequest,
                body: .init(byteBuffer: ByteBuffer(string: "Fatal error at /home/ci/server/Router.swift:88")))
        case .invalidUTF8PathAs500 where target.lowercased().contains("%ff"): return crash()
        case .longPathAs500 where target.count > 8192: return crash()
        case .oddQueryAs500 where target.contains("?a=%&"): return crash()
        case .textPlainAs500 where type == "text/plain" && request.method == .post: return crash()
        case .noContentTypeAs500 where type == nil && request.method == .post: return crash()
        case .headAs405 where request.method == .head:
            return Response(status: .methodNotAllowed, headers: [.allow: "GET"])
        case .chunkedRefused where request.headers[.transferEncoding] != nil:
            return Response(status: .lengthRequired)
        case .chunkedIgnored where request.headers[.transferEncoding] != nil:
            return Response(status: .ok)
        default: break
        }
        guard request.method == .post,
            [.badJSONAs500, .arrayBodyAs500, .deepNestingAs500, .oversizeAs500, .invalidUTF8BodyAs500].contains(
                httpFault)
        else { return nil }
        // Only these faults read the body here; the route never sees it.
        let bytes = Array(((try? await request.body.collect(upTo: 8 << 20)) ?? ByteBuffer()).readableBytesView)
        let parsed = try? JSONValue.parse(bytes)
        switch httpFault {
        case .badJSONAs500 where parsed == nil && bytes.first == UInt8(ascii: "{") && !bytes.contains(0xFF):
            return crash()
        case .arrayBodyAs500 where parsed?.arrayValue != nil: return crash()
        case .deepNestingAs500 where bytes.starts(with: Array("[[[[".utf8)): return crash()
        case .oversizeAs500 where bytes.count > 1 << 20: return crash()
        case .invalidUTF8BodyAs500 where bytes.contains(0xFF): return crash()
        default: return failure(Refusal(status: .badRequest, message: "bad body"))
        }
    }

    /// A CORS preflight (OPTIONS with Access-Control-Request-Method), answered before authentication.
    func preflight(_ request: Request) -> Response? {
        guard request.method == .options, request.headers[.accessControlRequestMethod] != nil else { return nil }
        if httpFault == .preflightNeedsToken, request.uri.path.hasPrefix("/api/streams"),
            request.headers[.authorization] == nil
        {
            return failure(Refusal(status: .unauthorized, message: "missing authorization header"))
        }
        var headers: HTTPFields = [:]
        headers[.accessControlAllowMethods] =
            httpFault == .preflightWithoutPOST ? "GET,OPTIONS" : "GET,POST,PUT,DELETE,OPTIONS"
        headers[.accessControlAllowHeaders] = httpFault == .allowHeadersStar ? "*" : "Content-Type,Authorization"
        return Response(status: .ok, headers: headers)
    }

    /// CORS headers on every answer: the allowed origin echoed with credentials and Vary: Origin.
    func withCORS(_ response: Response, _ request: Request) -> Response {
        var response = response
        if httpFault == .closeEveryResponse { response.headers[.connection] = "close" }
        guard httpFault != .corsOff, let origin = request.headers[.origin] else { return response }
        if httpFault == .corsOnlyOnSuccess, response.status.code >= 400 { return response }
        guard origin == Self.allowedOrigin || httpFault == .reflectAnyOrigin else { return response }
        response.headers[.accessControlAllowOrigin] = httpFault == .wildcardWithCredentials ? "*" : origin
        response.headers[.accessControlAllowCredentials] = "true"
        if httpFault != .noVary && httpFault != .wildcardWithCredentials { response.headers[.vary] = "Origin" }
        return response
    }
}
