import Hummingbird
import HTTPTypes
import ParleyConfig

/// Honest answers for what Parley does not do: a 501 envelope naming the module under each unimplemented plugin
/// prefix of the seed, and `/config` as read-only effective configuration (secrets masked, changes 501).
struct MonibucaModules: Sendable {
    let config: ParleyConfig

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    struct EffectiveConfig: Encodable {
        let format = "yaml"
        let content: String
    }

    func register(on router: Router<ParleyRequestContext>) {
        for module in MonibucaPaths.unimplementedModules {
            let message = "the \(module.name) module (\(module.path)/) is not implemented by Parley"
            for method in Self.methods {
                for path in [module.path, module.path + "/**"] {
                    router.on(RouterPath(path), method: method) { _, _ -> Response in
                        throw MonibucaError.notImplemented(message)
                    }
                }
            }
        }
        let rendered = EffectiveConfig(content: config.renderYAML(maskSecrets: true))
        for path in ["/config", "/config/get"] {
            router.get(RouterPath(path)) { _, _ in try MonibucaEnvelope.success(rendered) }
        }
        MonibucaMethods.refuseOthers(on: router, path: "/config/get", allowed: [.get])
        for path in ["/config", "/config/**"] {
            MonibucaMethods.refuseOthers(on: router, path: path, allowed: Self.methods)
        }
        for method in Self.methods where method != .get {
            for path in ["/config", "/config/**"] {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw MonibucaError.notImplemented(
                        "configuration is read-only over HTTP: edit the configuration file and restart")
                }
            }
        }
    }
}
