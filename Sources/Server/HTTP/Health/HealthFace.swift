import Foundation
import Hummingbird
import Prometheus

/// `GET /healthz` (liveness: status, version, uptime) and `GET /metrics` (Prometheus text exposition 0.0.4).
public struct HealthFace: APIFace {
    public init() {}

    struct Health: ResponseEncodable {
        let status: String
        let version: String
        let uptime_s: Double
    }

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        router.get("/healthz") { _, _ -> Health in
            Health(status: "ok", version: services.version, uptime_s: (services.uptimeSeconds * 1000).rounded() / 1000)
        }
        router.get("/metrics") { _, _ -> Response in
            var text: [UInt8] = []
            services.metrics.emit(into: &text)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
