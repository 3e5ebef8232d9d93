import Foundation
import Hummingbird

/// The answer to a `GET .../openapi.yaml` on the faces that speak the Monibuca envelope (core and Meeting): the
/// document's bytes as YAML, or a 503 envelope naming the missing file and how to point the server at it.
enum MonibucaSpecDocument {
    static func response(_ data: Data?, fileName: String) throws -> Response {
        guard let data else {
            throw MonibucaError(
                .serviceUnavailable,
                "spec/\(fileName) not found (set PARLEY_SPEC_DIR to the spec directory)")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
