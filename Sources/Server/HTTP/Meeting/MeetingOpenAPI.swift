import Foundation
import Hummingbird

/// `GET /meeting/api/openapi.yaml`: `spec/meeting.yaml`, read from disk on each request and found the way the
/// Monibuca core face finds its own document (`$PARLEY_SPEC_DIR`, `./spec`, `spec/` above the executable).
struct MeetingOpenAPI: Sendable {
    static let fileName = "meeting.yaml"

    func register(on router: some RouterMethods<ParleyRequestContext>) {
        router.get("\(MeetingAPI.prefix)/openapi.yaml") { _, _ -> Response in
            let path = SpecLocator.fromEnvironment().locate(Self.fileName)
            return try MonibucaSpecDocument.response(
                path.flatMap { FileManager.default.contents(atPath: $0) }, fileName: Self.fileName)
        }
    }
}
