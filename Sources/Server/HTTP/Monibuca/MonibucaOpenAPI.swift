import Foundation
import Hummingbird

/// `GET /api/openapi.yaml`: `spec/monibuca-core.yaml` read from disk on each request, found in `$PARLEY_SPEC_DIR`,
/// else `./spec`, else a `spec/` directory above the executable (a source checkout running `.build/debug/...`).
struct MonibucaOpenAPI: Sendable {
    static let fileName = "monibuca-core.yaml"

    func register(on router: Router<ParleyRequestContext>) {
        router.get("/api/openapi.yaml") { _, _ -> Response in
            try MonibucaSpecDocument.response(
                Self.locate().flatMap { try? Data(contentsOf: $0) }, fileName: Self.fileName)
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
