import Foundation
import Hummingbird

/// MiroTalk SFU REST API v1 (MiroTalk SFU 2.3.77, `app/src/Server.js` + `ServerApi.js`), served from the live
/// room registry, plus the OpenAPI document and its docs page:
///
/// `GET /api/v1/stats`, `GET /api/v1/meetings`, `POST /api/v1/meeting`, `DELETE /api/v1/meeting/{room}`,
/// `POST /api/v1/join`, `POST /api/v1/token`, `GET /api/v1/activeRooms`, `GET /api/v1/openapi.yaml`,
/// `GET /api/v1/docs`.
///
/// Each handler runs MiroTalk's steps in MiroTalk's order: body parsing (global in Express, so a malformed body
/// is refused before anything else), then the `api.allowed.*` switch, then the `authorization` key, then the work.
public struct MiroTalkFace: APIFace {
    public init() {}

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        let api = MiroTalkAPI(services: services)
        let docs = MiroTalkDocs(locator: SpecLocator.fromEnvironment())
        let group = router.group("api/v1")
        group.get("stats") { request, context in await api.respond(request, context, api.stats) }
        group.get("meetings") { request, context in await api.respond(request, context, api.meetings) }
        group.post("meeting") { request, context in await api.respond(request, context, api.meeting) }
        group.delete("meeting/:room") { request, context in await api.respond(request, context, api.endMeeting) }
        group.post("join") { request, context in await api.respond(request, context, api.join) }
        group.post("token") { request, context in await api.respond(request, context, api.token) }
        group.get("activeRooms") { request, context in await api.respond(request, context, api.activeRooms) }
        group.get("openapi.yaml") { _, _ in docs.openAPIDocument() }
        group.get("docs") { _, _ in docs.page() }
    }
}
