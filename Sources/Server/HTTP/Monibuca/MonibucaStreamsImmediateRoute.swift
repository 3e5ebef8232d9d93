import HTTPTypes
import ParleyTime

/// `GET /api/streams` answered on the event loop while no stream is live: the list is then empty whatever the
/// media plane measures, so the answer needs no hop to the registry or the plane. With a live stream it declines
/// (its summary carries the plane's measurements) and the router answers. The Monibuca layers of the router's
/// path are applied through their own code: the JWT check (``MonibucaAuthMiddleware/verifiedClaims(_:now:)``,
/// its cache, `New-Token` refresh) when `auth.enabled` and the path is not excluded, refusals in the envelope.
struct MonibucaStreamsImmediateRoute: ImmediateRoute {
    static let routePath = "/api/streams"
    let path = routePath
    let appliesMonibucaLayers = true
    let streams: MonibucaStreams
    /// nil when no token is needed (`auth.enabled` false, or the path in `auth.exclude`).
    let auth: MonibucaAuthMiddleware?
    let clock: any ServerClock

    init(streams: MonibucaStreams, auth: MonibucaAuthMiddleware?, clock: any ServerClock) {
        self.streams = streams
        self.clock = clock
        // The middleware's other ways in (a recording's play_token, a room session token) are for other routes.
        self.auth = auth.flatMap { MonibucaPaths.needsToken(Self.routePath, exclude: $0.exclude) ? $0 : nil }
    }

    func answer(_ request: HTTPRequest) -> ImmediateAnswer? {
        guard let counts = streams.rooms.publishedStats, counts.publishers == 0 else { return nil }
        var fresh: String?
        if let auth {
            let now = clock.now
            do throws(MonibucaError) {
                let token = try MonibucaAuthMiddleware.presentedToken(request.headerFields[.authorization])
                let claims = try auth.verifiedClaims(token, now: now)
                fresh = auth.jwt.refreshed(claims, now: now)
            } catch {
                return MonibucaEnvelope.renderFailure(error.status, error.message, headers: error.headers)
                    .immediateAnswer
            }
        }
        var answer = MonibucaEnvelope.renderSuccess(streams.list([], measured: [:])).immediateAnswer
        if let fresh { answer.head.headerFields[.newToken] = fresh }
        return answer
    }
}
