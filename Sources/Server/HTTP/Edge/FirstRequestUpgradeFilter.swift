import NIOCore
import NIOHTTP1

/// On a connection's first request, drops an `Upgrade` header that asks only for protocols this server has no
/// upgrader for (everything but `websocket`), so the request is answered as the ordinary request it also is:
/// RFC 9110 §7.8 lets a server ignore `Upgrade`. NIO's upgrade handler otherwise loses such a request's head
/// (Hummingbird then sees a request that starts with its end), and the connection closes without an answer.
/// Leaves the pipeline after the first head.
final class FirstRequestUpgradeFilter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// The protocols the upgrade handler behind has upgraders for (compared case-insensitively, RFC 9110 §7.8).
    static let upgradable: Set<String> = ["websocket"]

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        if head.headers.contains(name: "upgrade"), !Self.asksForUpgradable(head.headers) {
            head.headers.remove(name: "upgrade")
            // With `Connection: upgrade` NIO's parser has already stopped after this head, waiting for the other
            // protocol: nothing more can be read, so the connection closes after the answer instead of hanging.
            if head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "upgrade" }) {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            }
            context.fireChannelRead(wrapInboundOut(.head(head)))
        } else {
            context.fireChannelRead(data)
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// `Upgrade` is a comma-separated list of protocol[/version] (RFC 9110 §7.8).
    static func asksForUpgradable(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "upgrade"].contains { token in
            let name = token.split(separator: "/", maxSplits: 1).first ?? token
            return upgradable.contains(name.lowercased())
        }
    }
}
