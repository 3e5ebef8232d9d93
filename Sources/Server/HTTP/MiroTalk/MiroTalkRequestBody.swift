import ParleyJSON
import Foundation
import Hummingbird
import NIOCore

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
    static func read(_ request: Request, context: ParleyRequestContext) async throws(MiroTalkReply) -> MiroTalkRequestBody {
        // Exactly these two types, as body-parser's `type` options match them (no `+json` suffixes).
        let mediaType = MediaType(request.headers[.contentType])
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
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
            } catch where error.limit != nil {
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

/// `qs.parse` (extended urlencoded) for the shapes MiroTalk clients send: `k=v`, nested `a[b]=v`, arrays `a[]=v`;
/// a repeated plain key collects its values into an array. Values stay strings, as in qs.
enum URLEncodedForm {
    static let maxDepth = 5
    static let maxPairs = 1000

    static func parse(_ text: String) -> JSONValue {
        var root = JSONObject()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true).prefix(maxPairs) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            let value = parts.count > 1 ? decode(String(parts[1])) : ""
            guard !key.isEmpty else { continue }
            insert(path: keyPath(key), value: .string(value), into: &root)
        }
        return .object(root)
    }

    /// "+" is a space; a bad percent escape is kept verbatim (qs's decoder does the same).
    static func decode(_ raw: String) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// `a[b][]` → ["a", "b", ""]; text after the allowed depth stays part of the last segment, as qs does.
    static func keyPath(_ key: String) -> [String] {
        guard let open = key.firstIndex(of: "["), open != key.startIndex else { return [key] }
        var segments = [String(key[..<open])]
        var rest = key[open...]
        while segments.count <= maxDepth, rest.first == "[", let close = rest.firstIndex(of: "]") {
            segments.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { segments[segments.count - 1] += String(rest) }
        return segments
    }

    static func insert(path: [String], value: JSONValue, into members: inout JSONObject) {
        guard let head = path.first else { return }
        let existing = members[head]
        if path.count == 1 {
            switch existing {
            case nil: members[head] = value
            // qs combines repeated keys into an array.
            case .array(let items)?: members[head] = .array(items + [value])
            case let other?: members[head] = .array([other, value])
            }
            return
        }
        let tail = Array(path.dropFirst())
        if tail == [""] {  // a[]=v appends
            switch existing {
            case nil: members[head] = .array([value])
            case .array(let items)?: members[head] = .array(items + [value])
            default: break
            }
            return
        }
        var child = existing?.objectValue ?? JSONObject()
        insert(path: tail, value: value, into: &child)
        members[head] = .object(child)
    }
}
