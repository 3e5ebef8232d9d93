import Hummingbird
import HTTPTypes
import ParleyConfig

/// Honest answers for what Parley does not do: a 501 envelope naming the module under each unimplemented plugin
/// prefix of the seed, and `/config` as read-only effective configuration (secrets masked; writes 405).
struct MonibucaModules: Sendable {
    let config: ParleyConfig

    static let readOnly = "configuration is read-only over HTTP: edit the configuration file and restart"

    struct EffectiveConfig: Encodable {
        let format = "yaml"
        let content: String
    }

    func register(on router: Router<ParleyRequestContext>) {
        for module in MonibucaPaths.unimplementedModules {
            let message = "the \(module.name) module (\(module.path)/) is not implemented by Parley"
            for method in MonibucaMethods.all {
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
        for path in ["/config", "/config/get"] {
            MonibucaMethods.refuseOthers(on: router, path: path, allowed: [.get], reason: Self.readOnly)
        }
    }
}
