import Foundation

/// The `meeting` profile: the Monibuca Meeting plugin REST API under `/meeting/api` as spec/meeting.yaml describes it
/// (no public implementation exists, so that document is the reference). Cases create their own rooms, templates and
/// sockets and remove them again; reservations have no delete route, so the one success case books a slot in a room
/// of its own, centuries ahead.
public enum MeetingSuite {
    public static func cases(documents: SpecDocuments, schema: RoomSocketSchema) -> [ConformanceCase] {
        authCases() + roomCases(documents) + validationCases() + templateCases(documents) + reservationCases(documents)
            + controlCases(schema) + recordingCases(documents)
    }

    static func operation(_ id: String, _ what: String = "") -> SpecReference {
        SpecReference("spec/meeting.yaml#\(id)", what)
    }

    static func meetingCase(
        _ slug: String, _ title: String, severity: Severity = .must, reference: SpecReference, requirement: String,
        body: @escaping @Sendable (CaseContext) async throws -> CaseOutcome
    ) -> ConformanceCase {
        ConformanceCase(
            id: "meeting/\(slug)", title: title, severity: severity, reference: reference, requirement: requirement,
            run: body)
    }

    static func check(_ condition: Bool, expected: @autoclosure () -> String, observed: @autoclosure () -> String)
        throws(CaseStop)
    {
        if !condition { throw .violated(expected: expected(), observed: observed()) }
    }

    /// Validates a success body against the operation's 200 schema.
    static func conforms(
        _ documents: SpecDocuments, _ operationId: String, _ body: JSONValue
    ) throws(CaseStop) {
        if let problems = documents.violations(document: "meeting", operationId: operationId, status: 200, body: body) {
            throw .violated(
                expected: "the 200 body of \(operationId) matches spec/meeting.yaml",
                observed: problems.prefix(5).joined(separator: "; "))
        }
    }

    /// Sends and returns the full envelope of a 200 answer (for schema checks of the whole body).
    static func envelope(_ context: CaseContext, _ method: String, _ path: String, json: JSONValue? = nil)
        async throws(CaseStop) -> JSONValue
    {
        let response = try await MeetingREST.call(context, method, path, json: json)
        guard response.status == 200, let body = response.jsonValue else {
            throw .violated(
                expected: "\(method) /meeting/api\(path) → 200 JSON",
                observed: "\(response.status) \(response.bodyText.prefix(300))")
        }
        return body
    }

    static func authCases() -> [ConformanceCase] {
        let guarded: [(String, String)] = [
            ("GET", "/rooms"), ("POST", "/rooms"), ("GET", "/templates"), ("GET", "/reservations"),
            ("GET", "/recordings"), ("GET", "/stats"), ("GET", "/features"), ("POST", "/control/kick"),
        ]
        return [
            meetingCase(
                "auth/no-token-401", "every Meeting route refuses a request without a JWT (401 envelope)",
                reference: SpecReference("docs/contracts.md", "§What the Monibuca JWT protects"),
                requirement: "When auth.enabled the JWT guards /meeting/api/*; a missing token is 401 in the envelope."
            ) { context in
                var seen: [String] = []
                for (method, path) in guarded {
                    let json: JSONValue? = method == "POST" ? .object([]) : nil
                    _ = try await MeetingREST.expectError(
                        context, method, path, json: json, status: 401, authorized: false)
                    seen.append("\(method) \(path)")
                }
                return .pass(observed: "401 on " + seen.joined(separator: ", "))
            },
            meetingCase(
                "auth/foreign-jwt-401", "a JWT signed with another secret is refused (401)",
                reference: SpecReference("docs/contracts.md", "§What the Monibuca JWT protects"),
                requirement: "A bad signature is a 401 with WWW-Authenticate: Bearer (RFC 6750 §3)."
            ) { context in
                _ = try await MeetingCredentials.adminJWT(context)
                let forged = MeetingCredentials.mint(
                    secret: "conform-not-the-secret-0123456789abcdef", subject: "admin", lifetime: 3600)
                let response = try await context.send(
                    HTTPRequest(
                        method: "GET", path: "/meeting/api/rooms",
                        headers: [HeaderField("Authorization", "Bearer \(forged)")]))
                try check(
                    response.status == 401 && response.jsonValue?["code"] == .integer(401)
                        && (response.header("WWW-Authenticate") ?? "").lowercased().hasPrefix("bearer"),
                    expected: "401 {code 401} with WWW-Authenticate: Bearer …",
                    observed: "\(response.status) \(response.header("WWW-Authenticate") ?? "(no WWW-Authenticate)")")
                return .pass(observed: "401")
            },
            meetingCase(
                "auth/openapi-open", "the Meeting OpenAPI document is served without a token",
                reference: operation("getMeetingOpenAPI"),
                requirement: "Always open: /meeting/api/openapi.yaml."
            ) { context in
                let response = try await context.send(HTTPRequest(method: "GET", path: "/meeting/api/openapi.yaml"))
                try check(
                    response.status == 200 && response.bodyText.contains("openapi:"),
                    expected: "200 with the OpenAPI document", observed: "\(response.status)")
                return .pass(observed: "200")
            },
        ]
    }
}
