import Foundation
import Hummingbird

/// `GET /meeting/api/openapi.yaml`: `spec/meeting.yaml`, read from disk on each request and found the way the
/// Monibuca core face finds its own document (`$PARLEY_SPEC_DIR`, `./spec`, `spec/` above the executable).
struct MeetingOpenAPI: Sendable {
    static let fileName = "meeting.yaml"

    func register(on router: some RouterMethods<ParleyRequestContext>) {
        router.get("\(MeetingAPI.prefix)/openapi.yaml") { _, _ -> Response in
            guard let path = SpecLocator.fromEnvironment().locate(Self.fileName),
                let data = FileManager.default.contents(atPath: path)
            else {
                throw MonibucaError(
                    .serviceUnavailable,
                    "spec/\(Self.fileName) not found (set PARLEY_SPEC_DIR to the spec directory)")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
