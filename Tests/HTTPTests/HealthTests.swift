import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ParleyHTTP

@Suite("Health and metrics")
struct HealthTests {
    @Test("GET /healthz answers 200 JSON with status, version and uptime")
    func healthz() async throws {
        let services = try TestServices.make()
        let app = Application(router: ParleyServer.makeRouter(services: services, faces: [HealthFace()]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.headers[.xRequestID]?.isEmpty == false)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["status"] as? String == "ok")
                #expect(body?["version"] as? String == ParleyVersion.current)
                #expect((body?["uptime_s"] as? Double).map { $0 >= 0 } == true)
                // Keys in one fixed order, answer after answer.
                let text = String(buffer: response.body)
                #expect(text.hasPrefix(#"{"cluster":{"nodes":1,"state":"single"},"node_id":"#), "\(text)")
                #expect(text.contains(#","status":"ok","uptime_s":"#), "\(text)")
            }
        }
    }

    @Test("a caller's X-Request-Id is echoed; an unprintable one is replaced")
    func requestID() async throws {
        let services = try TestServices.make()
        let app = Application(router: ParleyServer.makeRouter(services: services, faces: [HealthFace()]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [.xRequestID: "abc-123"]) { response in
                #expect(response.headers[.xRequestID] == "abc-123")
            }
            let tooLong = String(repeating: "x", count: 100)
            try await client.execute(uri: "/healthz", method: .get, headers: [.xRequestID: tooLong]) { response in
                let replaced = try #require(response.headers[.xRequestID])
                #expect(replaced != tooLong && (16...64).contains(replaced.count))
            }
        }
    }

    /// A route only this test calls: the metrics registry is process-wide and other suites run concurrently.
    struct ProbeFace: APIFace {
        let path: String
        func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
            router.get(RouterPath(path)) { _, _ in "probe" }
        }
    }

    @Test("GET /metrics is Prometheus text whose per-route request counter rises by exactly N")
    func metricsCounter() async throws {
        let services = try TestServices.make()
        let probe = "/probe-\(UInt32.random(in: 0...UInt32.max))"
        let app = Application(
            router: ParleyServer.makeRouter(
                services: services,
                faces: [HealthFace(), ProbeFace(path: probe)]))
        try await app.test(.router) { client in
            func count() async throws -> Double {
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let text = String(buffer: response.body)
                    return text.split(separator: "\n")
                        .filter { $0.hasPrefix("hb_requests{") && $0.contains("http_route=\"\(probe)\"") }
                        .compactMap { Double($0.split(separator: " ").last ?? "") }
                        .reduce(0, +)
                }
            }
            let before = try await count()
            for _ in 0..<5 {
                try await client.execute(uri: probe, method: .get) { #expect($0.status == .ok) }
            }
            let after = try await count()
            #expect(after - before == 5)
        }
    }
}
