import Foundation

/// Calls to the Meeting plugin REST API (`/meeting/api`, spec/meeting.yaml) with the admin JWT, and the rooms and
/// templates cases create, so every case removes what it made even when it stops early.
enum MeetingREST {
    static let prefix = "/meeting/api"

    /// Sends with `Authorization: Bearer <admin JWT>` unless `authorized` is false.
    static func call(
        _ context: CaseContext, _ method: String, _ path: String, json: JSONValue? = nil, authorized: Bool = true,
        headers: [HeaderField] = []
    ) async throws(CaseStop) -> HTTPResponse {
        var all = headers
        if authorized { all += try await MeetingCredentials.bearer(context) }
        let request =
            json.map { HTTPRequest(method: method, path: prefix + path, headers: all, json: $0) }
            ?? HTTPRequest(method: method, path: prefix + path, headers: all)
        return try await context.send(request)
    }

    /// Demands 200 with the success envelope and returns `data`.
    static func data(
        _ context: CaseContext, _ method: String, _ path: String, json: JSONValue? = nil
    ) async throws(CaseStop) -> JSONValue {
        let response = try await call(context, method, path, json: json)
        guard response.status == 200, let body = response.jsonValue, body["code"] == .integer(0),
            let data = body["data"]
        else {
            throw .violated(
                expected: "\(method) \(prefix)\(path) → 200 {\"code\":0,\"message\":\"success\",\"data\":…}",
                observed: "\(response.status) \(response.bodyText.prefix(300))")
        }
        return data
    }

    /// The error envelope check: status `status` and `{"code": status, "message": <non-empty string>}`.
    static func expectError(
        _ context: CaseContext, _ method: String, _ path: String, json: JSONValue? = nil, body: [UInt8]? = nil,
        contentType: String? = nil, status: Int, authorized: Bool = true, mentioning: String? = nil
    ) async throws(CaseStop) -> CaseOutcome {
        let response: HTTPResponse
        if let body {
            var headers = authorized ? try await MeetingCredentials.bearer(context) : []
            if let contentType { headers.append(HeaderField("Content-Type", contentType)) }
            response = try await context.send(
                HTTPRequest(method: method, path: prefix + path, headers: headers, body: body))
        } else {
            response = try await call(context, method, path, json: json, authorized: authorized)
        }
        let envelope = response.jsonValue
        let message = envelope?["message"]?.stringValue ?? ""
        let observed = "\(response.status) \(response.bodyText.prefix(300))"
        guard response.status == status, envelope?["code"] == .integer(status), !message.isEmpty else {
            throw .violated(expected: "\(status) {\"code\":\(status),\"message\":…}", observed: observed)
        }
        if let mentioning, !message.contains(mentioning) {
            throw .violated(expected: "the message names \(mentioning)", observed: observed)
        }
        return .pass(observed: observed)
    }

    /// Creates a REST room (`room_id` plus `fields`), runs `body`, then deletes the room whatever happened.
    static func withRoom<T: Sendable>(
        _ context: CaseContext, _ fields: [(String, JSONValue)] = [], prefix what: String = "rest",
        _ body: (String) async throws -> T
    ) async throws -> T {
        let room = RoomSocketScope.freshRoomID(what)
        _ = try await data(context, "POST", "/rooms", json: .object([("room_id", .string(room))] + fields))
        do {
            let result = try await body(room)
            await removeRoom(context, room)
            return result
        } catch {
            await removeRoom(context, room)
            throw error
        }
    }

    /// Best-effort removal (the case's verdict never depends on it).
    static func removeRoom(_ context: CaseContext, _ room: String) async {
        _ = try? await call(context, "DELETE", "/rooms/\(room)")
    }

    /// Creates a template, runs `body`, then deletes it whatever happened.
    static func withTemplate<T: Sendable>(
        _ context: CaseContext, _ fields: [(String, JSONValue)], _ body: (JSONValue) async throws -> T
    ) async throws -> T {
        let name = RoomSocketScope.freshRoomID("template")
        let template = try await data(context, "POST", "/templates", json: .object([("name", .string(name))] + fields))
        let id = template["id"]?.stringValue ?? ""
        do {
            let result = try await body(template)
            _ = try? await call(context, "DELETE", "/templates/\(id)")
            return result
        } catch {
            _ = try? await call(context, "DELETE", "/templates/\(id)")
            throw error
        }
    }

    /// The participants of a room by user id (`GET /meeting/api/rooms/{id}/users`).
    static func users(_ context: CaseContext, _ room: String) async throws(CaseStop) -> [JSONValue] {
        let data = try await data(context, "GET", "/rooms/\(room)/users")
        return data["users"]?.arrayValue ?? data.arrayValue ?? []
    }
}
