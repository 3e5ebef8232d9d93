import Foundation
import Hummingbird
import ParleyJSON

/// `/api/streams` over the whole service: this node's streams, then each live peer's as that peer renders them
/// (only the node a publisher is connected to measures its tracks).
extension MonibucaStreams {
    static func forServices(_ services: ParleyServices) -> MonibucaStreams {
        MonibucaStreams(
            rooms: services.rooms, clock: services.clock,
            publications: { [media = services.media] in await media?.publications() ?? [] },
            serviceView: services.relay == nil ? nil : ServiceWideView(services: services))
    }

    func serviceList() async throws -> Response {
        let local = await list()
        guard let serviceView else { return MonibucaEnvelope.success(local) }
        let remote = await serviceView.peerStreamSummaries()
        guard !remote.isEmpty else { return MonibucaEnvelope.success(local) }
        // Local summaries go through the same encoder as every envelope, then join the peers' as JSON values.
        let encoded = try MonibucaEnvelope.encoder.encode(local.streams)
        let streams =
            (try JSONValue.parse(Array(encoded), limits: JSONLimits(maxBytes: 64 << 20, maxElements: 1_000_000))
                .arrayValue ?? []) + remote
        // Keys in sorted order, as the envelope's encoder writes them.
        let body = JSONValue.object([
            ("code", 0),
            ("data", .object([("streams", .array(streams)), ("total", .number(Double(streams.count)))])),
            ("message", "success"),
        ])
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body.serialized)))
    }
}
