import Foundation

/// The Swift-coded MiroTalk cases (those needing code: URL oracles, token cryptography, CORS, malformed bodies).
/// The data-driven ones live in `spec/scenarios/mirotalk/`.
public enum MiroTalkSuite {
    public static func cases(documents: SpecDocuments) -> [ConformanceCase] {
        joinCases() + bodyFormCases() + tokenCases() + meetingCases() + httpCases(documents: documents)
            + deeperTokenCases() + deeperAuthCases()
    }

    /// A keyed request to a route, skipping when no key was given.
    static func keyed(
        _ context: CaseContext, _ method: String, _ path: String, json: JSONValue? = nil,
        extra: [HeaderField] = []
    ) throws(CaseStop) -> HTTPRequest {
        let headers = [HeaderField("authorization", try context.requireAPIKey())] + extra
        if let json { return HTTPRequest(method: method, path: path, headers: headers, json: json) }
        return HTTPRequest(method: method, path: path, headers: headers)
    }

    /// Sends and demands a given status with a JSON object body; anything else is a violation.
    static func expectJSON(_ context: CaseContext, _ request: HTTPRequest, status: Int = 200) async throws -> JSONValue
    {
        let response = try await context.send(request)
        guard response.status == status, let body = response.jsonValue, body.objectKeys != nil else {
            throw CaseStop.violated(
                expected: "\(status) with a JSON object",
                observed: "\(response.status) \(response.bodyText.prefix(300))")
        }
        return body
    }

    /// JavaScript `encodeURIComponent` (ECMA-262 §19.2.6.5): all but A–Z a–z 0–9 - _ . ! ~ * ' ( ) is %XX of UTF-8.
    public static func encodeURIComponent(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8)
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func check(_ condition: Bool, expected: @autoclosure () -> String, observed: @autoclosure () -> String)
        throws(CaseStop)
    {
        if !condition { throw .violated(expected: expected(), observed: observed()) }
    }
}
