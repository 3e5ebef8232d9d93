import Foundation

/// The keyed MiroTalk REST routes, their `api.allowed` switches and how a disabled one answers
/// (upstream `app/src/Server.js`, the `/api/v1` route handlers, and `api.allowed` in `app/src/config.template.js`).
public enum MiroTalkRoute: String, Sendable, CaseIterable {
    case stats, meetings, meeting, meetingEnd = "meeting-end", join, token, activeRooms = "active-rooms"

    public static let disabledMessage =
        "This endpoint has been disabled. Please contact the administrator for further information."

    var method: String {
        switch self {
        case .stats, .meetings, .activeRooms: "GET"
        case .meeting, .join, .token: "POST"
        case .meetingEnd: "DELETE"
        }
    }

    var path: String {
        switch self {
        case .stats: "/api/v1/stats"
        case .meetings: "/api/v1/meetings"
        case .meeting: "/api/v1/meeting"
        case .meetingEnd: "/api/v1/meeting/conform-no-such-room-7f3a"
        case .join: "/api/v1/join"
        case .token: "/api/v1/token"
        case .activeRooms: "/api/v1/activeRooms"
        }
    }

    /// The exact body a disabled route answers with (403). /activeRooms answers like /meetings when
    /// `ui.rooms.showActive` is off (upstream Server.js L2027-2033).
    public var disabledBody: JSONValue {
        switch self {
        case .stats, .meetingEnd:
            .object([("success", .bool(false)), ("error", .string(Self.disabledMessage))])
        case .meetings, .meeting, .join, .token, .activeRooms:
            .object([("error", .string(Self.disabledMessage))])
        }
    }

    func request(apiKey: String?) -> HTTPRequest {
        var headers: [HeaderField] = []
        if let apiKey, self != .activeRooms { headers.append(HeaderField("authorization", apiKey)) }
        if method == "POST" { return HTTPRequest(method: method, path: path, headers: headers, json: .object([])) }
        return HTTPRequest(method: method, path: path, headers: headers)
    }
}

public enum MiroTalkAvailability: Sendable {
    case enabled
    case disabled(observed: String)
    case unreachable(String)
}

enum MiroTalkRoutes {
    /// Probes a route once per run. Disabled is recognised by its body: an `error` saying "disabled" (any other
    /// refusal, e.g. 403 Unauthorized! on the public /activeRooms, is the route answering, not a switch).
    /// The probe's exchange joins the wire log of each case that asks.
    static func availability(_ route: MiroTalkRoute, _ context: CaseContext) async -> MiroTalkAvailability {
        let key = context.options.apiKey
        let (availability, exchange) = await context.memo.value("mirotalk.availability.\(route.rawValue)") {
            () -> (MiroTalkAvailability, WireExchange) in
            let (result, exchange) = await context.trySend(route.request(apiKey: key))
            switch result {
            case .failure(let error): return (.unreachable(error.description), exchange)
            case .success(let response):
                let body = response.jsonValue
                let observed = "\(response.status) \(response.bodyText.prefix(200))"
                // Recognised by the body, not the status, so a wrong status or wording still reads as "disabled"
                // and the disabled-body case can judge it.
                if let error = body?["error"]?.stringValue, error.lowercased().contains("disabled") {
                    return (.disabled(observed: observed), exchange)
                }
                return (.enabled, exchange)
            }
        }
        context.record(exchange)
        return availability
    }

    static func requireEnabled(_ route: MiroTalkRoute, _ context: CaseContext) async throws(CaseStop) {
        switch await availability(route, context) {
        case .enabled: return
        case .disabled(let observed):
            throw .skip("\(route.method) \(route.path) is disabled on the target (\(observed))")
        case .unreachable(let why): throw .broken(why)
        }
    }

    static func requireDisabled(_ route: MiroTalkRoute, _ context: CaseContext) async throws(CaseStop) {
        switch await availability(route, context) {
        case .enabled:
            throw .skip("\(route.method) \(route.path) is enabled on the target; this case checks the disabled answer")
        case .disabled: return
        case .unreachable(let why): throw .broken(why)
        }
    }

    static func route(named name: String) throws(CaseStop) -> MiroTalkRoute {
        guard let route = MiroTalkRoute(rawValue: name) else { throw .broken("unknown MiroTalk route \(name)") }
        return route
    }

    /// `requires:` keys the MiroTalk scenarios use.
    static let scenarioPreconditions: [String: ScenarioLoader.Precondition] = [
        "enabled": { context, name in try await requireEnabled(try route(named: name), context) },
        "disabled": { context, name in try await requireDisabled(try route(named: name), context) },
        "option": { context, name in
            switch name {
            case "api-key": _ = try context.requireAPIKey()
            case "jwt-secret": _ = try context.requireJWTSecret()
            default: throw CaseStop.broken("unknown option precondition \(name)")
            }
        },
    ]
}
