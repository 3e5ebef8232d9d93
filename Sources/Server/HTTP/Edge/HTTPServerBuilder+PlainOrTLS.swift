import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import NIOSSL

extension HTTPServerBuilder {
    /// HTTP/1.1 with WebSocket upgrade, answering plain and TLS clients on the same port (``PlainOrTLSChannel``).
    /// `tls == nil` serves plain HTTP only. With `immediate`, its routes are answered in front of the HTTP codec
    /// (``ImmediateFrontChannel``); the configuration's additional handlers then include its installer.
    static func plainOrTLSWithWebSocketUpgrade<WSResponderBuilder: HTTPResponderBuilder & _HB_SendableMetatype>(
        webSocketRouter: WSResponderBuilder,
        tls: TLSConfiguration?,
        immediate: ImmediateResponder?,
        configuration: HTTP1WebSocketUpgradeChannel.Configuration
    ) -> HTTPServerBuilder where WSResponderBuilder.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        return .init { responder in
            let base = ImmediateFrontChannel(
                UnparsableFirstRequestChannel(
                    HTTP1WebSocketUpgradeChannel(
                        responder: responder, webSocketResponder: webSocketResponder, configuration: configuration)),
                immediate: immediate)
            guard let tls else { return base }
            return try PlainOrTLSChannel(base, tlsConfiguration: tls)
        }
    }
}
