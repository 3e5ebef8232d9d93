import Foundation
import Hummingbird
import Logging
import ParleyConfig
import ParleyStore
import ParleySFU
import ParleyTime

/// The Monibuca V6 core HTTP API (seed 004): the envelope, JWT login and auth, `/api/secret`, the stream list,
/// CORS for every face, honest 501s for the plugins Parley does not implement, and its OpenAPI description.
///
/// Listed first among the faces, so its middleware (CORS → envelope → JWT) wraps every route of every face and
/// the router's not-found answer.
public struct MonibucaCoreFace: APIFace {
    /// Failed logins allowed per client address: 5 within 5 minutes (the window starts at the first failure),
    /// then 429 with `Retry-After` until the window ends (`spec/monibuca-core.yaml`, `/api/login`).
    public static let loginFailureLimit = RateLimiter.Policy.fixedWindow(limit: 5, window: .seconds(300))

    public init() {}

    func jwt(_ services: ParleyServices) -> MonibucaJWT {
        MonibucaJWT(secret: services.secrets.authSecret, lifetime: TimeInterval(services.config.auth.expire))
    }

    public func middlewares(services: ParleyServices) -> [ParleyMiddleware] {
        var list: [ParleyMiddleware] = [
            CORSMiddleware(policy: CORSPolicy(services.config.http)),
            MonibucaEnvelopeMiddleware(),
        ]
        if let auth = auth(services) { list.append(auth) }
        return list
    }

    public func immediateRoutes(services: ParleyServices) -> [any ImmediateRoute] {
        [
            MonibucaStreamsImmediateRoute(
                streams: MonibucaStreams.forServices(services), auth: auth(services), clock: services.clock)
        ]
    }

    /// The JWT middleware when `auth.enabled`.
    func auth(_ services: ParleyServices) -> MonibucaAuthMiddleware? {
        guard services.config.auth.enabled else { return nil }
        return MonibucaAuthMiddleware(jwt: jwt(services), exclude: services.config.auth.exclude, clock: services.clock)
    }

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        // Token times, signature defaults and stream durations all read the server's one clock.
        let clock = services.clock
        MonibucaLogin(
            users: loadUsers(services), jwt: jwt(services),
            failures: RateLimiter(Self.loginFailureLimit, clock: clock), clock: clock
        )
        .register(on: router)
        MonibucaSecret(streamAuth: services.config.streamAuth, clock: clock).register(on: router)
        MonibucaStreams.forServices(services).register(on: router)
        MonibucaCapture(media: services.media).register(on: router)
        MonibucaMP4(services: services).register(on: router)
        MonibucaModules(config: services.config).register(on: router)
        MonibucaOpenAPI().register(on: router)
    }

    /// The admin users: those ``ParleyServer/makeServices(config:logger:clock:)`` loaded before the port opened,
    /// else (a server assembled by hand, as in tests) loaded now in the background; the first login awaits them.
    func loadUsers(_ services: ParleyServices) -> Task<MonibucaUsers?, Never> {
        services.adminUsers
            ?? Task {
                await Self.loadUsers(
                    auth: services.config.auth, store: services.stores.users, now: services.clock.now,
                    logger: services.logger)
            }
    }

    /// Loads the admin users; announces a generated `admin` password once, loudly. A store failure leaves login
    /// answering 503 rather than stopping the other faces.
    static func loadUsers(
        auth: ParleyConfig.Auth, store: any AdminUserRowStore, now: Date, logger: Logger
    ) async -> MonibucaUsers? {
        do {
            let (users, generated) = try await MonibucaUsers.load(auth: auth, store: store, now: now)
            if let generated {
                ParleyServer.announce(
                    [
                        "generated Monibuca admin login: username \(MonibucaUsers.generatedUsername) password \(generated)",
                        "  shown once; only its hash is stored. Set auth.users for production.",
                    ], logger: logger)
            }
            return users
        } catch {
            logger.error("loading Monibuca admin users failed; login answers 503", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
