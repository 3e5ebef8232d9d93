import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ParleyConfig
import ParleyHTTP
import ParleyRooms
import ParleySFU
import ParleyStore
import Testing
import HTTPTypes

/// A real media plane on 127.0.0.1 (ephemeral UDP port), the WebRTC face and the Monibuca face in front of one
/// registry. Offers are aiortc-shaped text.
enum WebRTCFixture {
    static let fingerprint = (0..<32).map { _ in "AB" }.joined(separator: ":")

    static func offer(
        direction: String = "sendonly", codec: String = "opus/48000/2", rtcpMux: Bool = true,
        ufrag: String = "cli1"
    ) -> String {
        [
            "v=0", "o=- 3900000000 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=group:BUNDLE 0", "a=msid-semantic:WMS *",
            "m=audio 50000 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 127.0.0.1", "a=\(direction)", "a=mid:0",
            rtcpMux ? "a=rtcp-mux" : nil, "a=rtpmap:96 \(codec)",
            "a=ice-ufrag:\(ufrag)", "a=ice-pwd:clientpasswordclientpassword",
            "a=fingerprint:sha-256 \(fingerprint)", "a=setup:actpass",
        ].compactMap { $0 }.joined(separator: "\r\n") + "\r\n"
    }

    static let sdpHeaders: HTTPFields = [.contentType: "application/sdp"]

    static func withFace(
        _ edit: (inout ParleyConfig) -> Void = { _ in }, rooms: InMemoryRoomDirectory = InMemoryRoomDirectory(),
        _ test: @escaping @Sendable (any TestClientProtocol, MediaPlane) async throws -> Void
    ) async throws {
        var config = MonibucaFixture.config()
        edit(&config)
        let plane = try await MediaPlane.start(
            configuration: MediaPlaneConfiguration(bindHost: "127.0.0.1", udpPort: 0), rooms: rooms,
            logger: Logger(label: "test.webrtc"))
        do {
            let services = try MonibucaFixture.services(config, rooms: rooms, media: plane)
            let router = ParleyServer.makeRouter(
                services: services,
                faces: [MonibucaCoreFace(), HealthFace(), WebRTCFace()])
            try await Application(router: router).test(.router) { client in try await test(client, plane) }
        } catch {
            await plane.shutdown()
            throw error
        }
        await plane.shutdown()
    }

    static func post(
        _ client: any TestClientProtocol, _ path: String, offer: String = offer(),
        headers: HTTPFields = sdpHeaders
    ) async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: offer))
    }
}

/// `#expect` on a status, without putting `try await` inside the macro (which single-expression closures reject).
func expectStatus(
    _ response: TestResponse, _ status: HTTPResponse.Status,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
}
