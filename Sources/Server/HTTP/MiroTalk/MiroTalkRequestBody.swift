import ParleyJSON
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

/// What MiroTalk's body parsers leave in `req.body`: nothing (no body, or a media type no parser takes — Express 5
/// leaves it `undefined`), or the parsed JSON / urlencoded value.
enum MiroTalkRequestBody: Sendable, Equatable {
    case absent
    case value(JSONValue)

    /// The parsed value, or JavaScript `undefined`.
    var value: JSONValue? {
        if case .value(let value) = self { return value }
        return nil
    }

    /// Reads and parses the body the way `express.json({strict:true})` and `express.urlencoded({extended:true})`
    /// do; throws the 400 MiroTalk sends for bad JSON, or 413 above `http.max_body_bytes`.
    static func read(_ request: Request, context: ParleyRequestContext) async throws(MiroTalkReply)
        -> MiroTalkRequestBody
    {
        // Exactly these two types, as body-parser's `type` options match them (no `+json` suffixes).
        let mediaType = MediaType(request.headers[.contentType])
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is HTTPParserError {
            // Unparsable framing (a bad chunk size): body-parser's 400 shape; the connection cannot be reused.
            throw MiroTalkReply(
                .badRequest, .object([("status", 400), ("message", "malformed request body")]),
                headers: [.connection: "close"])
        } catch {
            // body-parser's wording; Parley answers 413 (MiroTalk's own limit is 50 MB).
            throw MiroTalkReply.statusMessage(.contentTooLarge, inner: 413, "request entity too large")
        }
        // type-is `hasBody`: an empty body is no body, whatever the media type.
        guard buffer.readableBytes > 0 else { return .absent }
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        switch mediaType {
        case .json?:
            do {
                return .value(try JSONValue.parseStrictBody(text))
            } catch  where error.limit != nil {
                // Parley's own bound (ParleyJSON's JSONLimits), not a V8 message: the usual {status, message} 400.
                throw MiroTalkReply.statusMessage(.badRequest, inner: 400, error.message)
            } catch {
                // MiroTalk's error handler (Server.js ~L681): HTTP 400 carrying `status: 404` — kept as is.
                throw MiroTalkReply.statusMessage(.badRequest, inner: 404, error.message)
            }
        case .formURLEncoded?:
            return .value(URLEncodedForm.parse(text))
        default:
            return .absent
        }
    }
}
