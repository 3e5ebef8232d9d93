import Foundation
import Hummingbird

/// The Monibuca V6 core HTTP API (seed 004): the envelope, JWT login and auth, `/api/secret`, the stream list,
/// CORS for every face, honest 501s for the plugins Parley does not implement, and its OpenAPI description.
///
/// Listed first among the faces, so its middleware (CORS → envelope → JWT) wraps every route of every face and
/// the router's not-found answer.
public struct MonibucaCoreFace: APIFace {
    let clock: @Sendable () -> Date
    let loginThrottle: LoginThrottle

    public init() {
        self.init(clock: { Date() })
    }

    /// `clock` drives token times, signature defaults and stream durations; tests pass a fixed one.
    public init(clock: @escaping @Sendable () -> Date, loginThrottle: LoginThrottle = LoginThrottle()) {
        self.clock = clock
        self.loginThrottle = loginThrottle
    }

    func jwt(_ services: ParleyServices) -> MonibucaJWT {
        MonibucaJWT(secret: services.secrets.authSecret, lifetime: TimeInterval(services.config.auth.expire))
    }

    public func middlewares(services: ParleyServices) -> [ParleyMiddleware] {
        var list: [ParleyMiddleware] = [
            CORSMiddleware(policy: CORSPolicy(services.config.http)),
            MonibucaEnvelopeMiddleware(),
        ]
        if services.config.auth.enabled {
            list.append(MonibucaAuthMiddleware(jwt: jwt(services), exclude: services.config.auth.exclude,
                                               clock: clock))
        }
        return list
    }

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        MonibucaLogin(users: loadUsers(services), jwt: jwt(services), throttle: loginThrottle, clock: clock)
            .register(on: router)
        MonibucaSecret(streamAuth: services.config.streamAuth, clock: clock).register(on: router)
        MonibucaStreams(rooms: services.rooms, clock: clock).register(on: router)
        MonibucaModules(config: services.config).register(on: router)
        MonibucaOpenAPI().register(on: router)
    }

    /// Loads the admin users; announces a generated `admin` password once, loudly. A store failure leaves login
    /// answering 503 rather than stopping the other faces.
    func loadUsers(_ services: ParleyServices) -> MonibucaUsers? {
        do {
            let (users, generated) = try MonibucaUsers.load(auth: services.config.auth, database: services.database)
            if let generated {
                ParleyServer.announce([
                    "generated Monibuca admin login: username \(MonibucaUsers.generatedUsername) password \(generated)",
                    "  shown once; only its hash is stored. Set auth.users for production.",
                ], logger: services.logger)
            }
            return users
        } catch {
            services.logger.error("loading Monibuca admin users failed; login answers 503",
                                  metadata: ["error": "\(error)"])
            return nil
        }
    }
}
