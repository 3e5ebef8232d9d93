import Foundation
import Hummingbird

/// MiroTalk SFU REST API v1 (MiroTalk SFU 2.3.77, `app/src/Server.js` + `ServerApi.js`), served from the live
/// room registry, plus the OpenAPI document and its docs page:
///
/// `GET /api/v1/stats`, `GET /api/v1/meetings`, `POST /api/v1/meeting`, `DELETE /api/v1/meeting/{room}`,
/// `POST /api/v1/join`, `POST /api/v1/token`, `GET /api/v1/activeRooms`, `GET /api/v1/openapi.yaml`,
/// `GET /api/v1/docs`.
///
/// Each route runs its cheap gate first (the `api.allowed.*` switch, then the `authorization` key, or the rate
/// limit), then body parsing (global in Express, so a malformed body is refused on every route), then the work.
/// Express parses before the key; Parley checks the key first, so an unauthenticated request costs no parse.
public struct MiroTalkFace: APIFace {
    public init() {}

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        let api = MiroTalkAPI(services: services)
        let docs = MiroTalkDocs(locator: SpecLocator.fromEnvironment())
        let group = router.group("api/v1")
        let allowed = services.config.api.allowed
        let stats = api.keyed(enabled: allowed.stats, disabled: .disabledWithSuccess)
        let meetings = api.keyed(enabled: allowed.meetings, disabled: .disabled)
        let meeting = api.keyed(enabled: allowed.meeting, disabled: .disabled)
        let endMeeting = api.keyed(enabled: allowed.meetingEnd, disabled: .disabledWithSuccess)
        let join = api.keyed(enabled: allowed.join, disabled: .disabled)
        let token = api.keyed(enabled: allowed.token, disabled: .disabled)
        group.get("stats") { request, context in await api.respond(request, context, gate: stats, api.stats) }
        group.get("meetings") { request, context in await api.respond(request, context, gate: meetings, api.meetings) }
        group.post("meeting") { request, context in await api.respond(request, context, gate: meeting, api.meeting) }
        group.delete("meeting/:room") { request, context in
            await api.respond(request, context, gate: endMeeting, api.endMeeting)
        }
        group.post("join") { request, context in await api.respond(request, context, gate: join, api.join) }
        group.post("token") { request, context in await api.respond(request, context, gate: token, api.token) }
        group.get("activeRooms") { request, context in
            await api.respond(request, context, gate: api.activeRoomsGate, api.activeRooms)
        }
        group.get("openapi.yaml") { _, _ in docs.openAPIDocument() }
        group.get("docs") { _, _ in docs.page() }
    }

    public func immediateRoutes(services: ParleyServices) -> [any ImmediateRoute] {
        [MiroTalkStatsImmediateRoute(api: MiroTalkAPI(services: services), enabled: services.config.api.allowed.stats)]
    }
}
