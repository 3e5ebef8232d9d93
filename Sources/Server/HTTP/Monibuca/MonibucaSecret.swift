import Foundation
import ParleyTime
import Hummingbird
import ParleyConfig
import ParleyRooms

/// `GET /api/secret/{publish|subscribe}/{streamPath...}?expire=<hex>&plugin=<name>` (seed): signs a stream path
/// with the `stream_auth.keys` key of `plugin` (default `global`) for that direction.
struct MonibucaSecret: Sendable {
    let streamAuth: ParleyConfig.StreamAuth
    let clock: any ServerClock

    /// The seed's default validity of a generated signature.
    static let defaultValidity: TimeInterval = 30 * 60
    static let routePrefix = ["api", "secret"]

    struct SecretData: Encodable {
        let type: String
        let plugin: String
        let streamPath: String
        let expire: String
        let secret: String
    }

    func register(on router: Router<ParleyRequestContext>) {
        router.get("/api/secret/**") { request, _ in try MonibucaEnvelope.success(try sign(request)) }
        MonibucaMethods.refuseOthers(on: router, path: "/api/secret/**", allowed: [.get])
    }

    func sign(_ request: Request) throws(MonibucaError) -> SecretData {
        // The raw path, not the router's segments: the stream path may arrive with `%2F` for `/` (seed).
        let rawSegments = MonibucaPaths.segments(of: request.uri.path)
        guard rawSegments.count >= 4 else {
            throw .badRequest("expected /api/secret/{publish|subscribe}/{streamPath}")
        }
        let typeText = String(rawSegments[2])
        guard let direction = StreamSignature.Direction(rawValue: typeText) else {
            throw .badRequest("type must be publish or subscribe, not \(typeText.prefix(32))")
        }
        let encoded = rawSegments[3...].joined(separator: "/")
        guard let decoded = encoded.removingPercentEncoding, let path = StreamPath(decoded) else {
            throw .badRequest("stream path must be 1-8 '/'-separated segments of [A-Za-z0-9._~-]{1,64}")
        }
        let query = request.uri.queryParameters
        let plugin = query["plugin"].map(String.init) ?? "global"
        guard MonibucaPaths.knownPlugins.contains(plugin) || streamAuth.keys[plugin] != nil else {
            throw .badRequest("unknown plugin \(plugin.prefix(32))")
        }
        let expire: String
        if let given = query["expire"].map(String.init) {
            guard StreamSignature.parseExpire(given) != nil else {
                throw .badRequest("expire must be hex Unix seconds (1-15 hex digits)")
            }
            expire = given
        } else {
            expire = StreamSignature.expire(at: clock.now.addingTimeInterval(Self.defaultValidity))
        }
        guard let key = StreamSignature.key(streamAuth, plugin: plugin, direction: direction) else {
            // The plugin is known, its key for this direction does not exist.
            throw .notFound("no \(direction.rawValue) key configured for plugin \(plugin) (stream_auth.keys)")
        }
        return SecretData(
            type: direction.rawValue, plugin: plugin, streamPath: path.rawValue, expire: expire,
            secret: StreamSignature.secret(key: key, streamPath: path.rawValue, expire: expire))
    }
}
