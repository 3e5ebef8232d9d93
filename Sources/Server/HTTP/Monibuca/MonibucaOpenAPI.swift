import Foundation
import Hummingbird

/// `GET /api/openapi.yaml`: `spec/monibuca-core.yaml` read from disk on each request, found in `$PARLEY_SPEC_DIR`,
/// else `./spec`, else a `spec/` directory above the executable (a source checkout running `.build/debug/...`).
struct MonibucaOpenAPI: Sendable {
    static let fileName = "monibuca-core.yaml"

    func register(on router: Router<ParleyRequestContext>) {
        router.get("/api/openapi.yaml") { _, _ -> Response in
            guard let url = Self.locate(), let data = try? Data(contentsOf: url) else {
                throw MonibucaError(
                    .serviceUnavailable,
                    "spec/\(Self.fileName) not found (set PARLEY_SPEC_DIR to the spec directory)")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        MonibucaMethods.refuseOthers(on: router, path: "/api/openapi.yaml", allowed: [.get])
    }

    static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String = CommandLine.arguments.first ?? ""
    ) -> URL? {
        var candidates: [URL] = []
        if let dir = environment["PARLEY_SPEC_DIR"], !dir.isEmpty {
            candidates.append(URL(fileURLWithPath: dir).appendingPathComponent(fileName))
        }
        candidates.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent("spec/\(fileName)"))
        if !executable.isEmpty {
            var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<6 {
                candidates.append(dir.appendingPathComponent("spec/\(fileName)"))
                dir = dir.deletingLastPathComponent()
            }
        }
        return candidates.first { FileManager.default.isReadableFile(atPath: $0.path) }
    }
}
