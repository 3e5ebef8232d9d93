import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import ParleyJSON

/// A request body as a JSON object whose keys are limited to `allowed`: unknown fields are refused (400 naming
/// them), so a misspelt optional field never silently does nothing. Accessors throw 400 envelopes naming the field.
struct MeetingBody: Sendable {
    let fields: JSONObject

    /// Reads at most `http.max_body_bytes` (413 above), requires a JSON media type when one is given (415),
    /// a JSON object (400) and no keys outside `allowed` (400).
    static func read(_ request: Request, context: ParleyRequestContext, allowed: Set<String>) async throws
        -> MeetingBody
    {
        if let type = MediaType(request.headers[.contentType]), !type.isJSON {
            throw MonibucaError(.unsupportedMediaType, "request body must be application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch let error as HTTPParserError {
            throw error // unparsable framing: 400 and close (HTTPParserError+Response), not 413
        } catch {
            throw MonibucaError(.contentTooLarge, "request body larger than \(context.maxUploadSize) bytes")
        }
        guard buffer.readableBytes > 0 else { throw MonibucaError.badRequest("request body must be a JSON object") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(buffer.readableBytesView))
        } catch  where error.isLimit {
            throw MonibucaError.badRequest("request body refused: \(error.description)")
        } catch {
            throw MonibucaError.badRequest("request body is not valid JSON: \(error.description)")
        }
        guard case .object(let fields) = value else {
            throw MonibucaError.badRequest("request body must be a JSON object, not \(value.typeName)")
        }
        if let unknown = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw MonibucaError.badRequest("unknown field '\(Self.printable(unknown))'")
        }
        return MeetingBody(fields: fields)
    }

    /// A field name safe to echo: at most 64 characters, controls replaced.
    static func printable(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.prefix(64).map {
                    $0.properties.generalCategory == .control ? "?" : $0
                }))
    }

    static func invalid(_ field: String, _ problem: String) -> MonibucaError {
        .badRequest("field '\(field)': \(problem)")
    }

    /// A well-formed value the request cannot be carried out with (RFC 9110 §15.5.21: 422 Unprocessable Content),
    /// such as a time slot that ends before it starts; 400 stays for values the schema itself refuses.
    static func unprocessable(_ field: String, _ problem: String) -> MonibucaError {
        MonibucaError(.unprocessableContent, "field '\(field)': \(problem)")
    }

    /// The field's value unless absent or null.
    func value(_ field: String) -> JSONValue? {
        guard let value = fields[field], value != .null else { return nil }
        return value
    }

    func string(_ field: String) throws(MonibucaError) -> String? {
        guard let value = value(field) else { return nil }
        guard case .string(let text) = value else {
            throw Self.invalid(field, "must be a string, not \(value.typeName)")
        }
        return text
    }

    func requiredString(_ field: String) throws(MonibucaError) -> String {
        guard let text = try string(field) else { throw Self.invalid(field, "is required") }
        return text
    }

    /// Human text: 1-`maxLength` characters, not blank, no control characters.
    func text(_ field: String, required: Bool, maxLength: Int) throws(MonibucaError) -> String? {
        guard let text = required ? try requiredString(field) : try string(field) else { return nil }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Self.invalid(field, "must not be blank")
        }
        // Unicode scalars, as JSON Schema's maxLength counts them.
        guard text.unicodeScalars.count <= maxLength else {
            throw Self.invalid(field, "longer than \(maxLength) characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Self.invalid(field, "contains control characters")
        }
        return text
    }

    func int(_ field: String, in range: ClosedRange<Int>) throws(MonibucaError) -> Int? {
        guard let value = value(field) else { return nil }
        guard let whole = value.integerValue, let number = Int(exactly: whole) else {
            throw Self.invalid(field, "must be an integer, not \(value.typeName)")
        }
        guard range.contains(number) else {
            throw Self.invalid(field, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func bool(_ field: String) throws(MonibucaError) -> Bool? {
        guard let value = value(field) else { return nil }
        guard case .bool(let flag) = value else {
            throw Self.invalid(field, "must be a boolean, not \(value.typeName)")
        }
        return flag
    }

    func stringArray(_ field: String, maxCount: Int) throws(MonibucaError) -> [String]? {
        guard let value = value(field) else { return nil }
        guard case .array(let items) = value else {
            throw Self.invalid(field, "must be an array, not \(value.typeName)")
        }
        guard items.count <= maxCount else { throw Self.invalid(field, "has more than \(maxCount) items") }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw Self.invalid("\(field)[\(index)]", "must be a string, not \(item.typeName)")
            }
            strings.append(text)
        }
        return strings
    }
}
