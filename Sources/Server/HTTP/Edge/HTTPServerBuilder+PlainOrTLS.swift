import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import NIOSSL

extension HTTPServerBuilder {
    /// HTTP/1.1 with WebSocket upgrade, answering plain and TLS clients on the same port (``PlainOrTLSChannel``).
    /// `tls == nil` serves plain HTTP only.
    public static func plainOrTLSWithWebSocketUpgrade<WSResponderBuilder: HTTPResponderBuilder & _HB_SendableMetatype>(
        webSocketRouter: WSResponderBuilder,
        tls: TLSConfiguration?,
        configuration: HTTP1WebSocketUpgradeChannel.Configuration
    ) -> HTTPServerBuilder where WSResponderBuilder.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        return .init { responder in
            let base = UnparsableFirstRequestChannel(
                HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder, configuration: configuration))
            guard let tls else { return base }
            return try PlainOrTLSChannel(base, tlsConfiguration: tls)
        }
    }
}
