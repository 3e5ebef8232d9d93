import HTTPTypes
import ParleyRooms

/// `GET /api/v1/stats` answered on the event loop: the same gate (`api.allowed.stats`, then the key in constant
/// time) and the same reply as the router's route, from the counts the registry publishes with each change
/// (``RoomDirectory/publishedStats``). Declines when the registry publishes none.
struct MiroTalkStatsImmediateRoute: ImmediateRoute {
    let path = "/api/v1/stats"
    let api: MiroTalkAPI
    /// `api.allowed.stats`.
    let enabled: Bool

    func answer(_ request: HTTPRequest) -> ImmediateAnswer? {
        guard let counts = api.rooms.publishedStats else { return nil }
        do throws(MiroTalkReply) {
            try api.checkKeyed(enabled: enabled, disabled: .disabledWithSuccess, request.headerFields)
            return api.statsReply(counts).immediateAnswer
        } catch {
            return error.immediateAnswer
        }
    }
}
