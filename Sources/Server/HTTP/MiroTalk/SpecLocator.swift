import Foundation

/// Finds the repository's `spec/` directory at run time, so `/api/v1/openapi.yaml` always serves the document the
/// tests and the conformance runner check. Looked up per request (a few `stat` calls), so a document installed or
/// edited after start-up is picked up. Search order:
/// 1. `$PARLEY_SPEC_DIR` (the directory holding `mirotalk-v1.yaml`);
/// 2. `./spec` under the current directory;
/// 3. `spec/` in the executable's directory and up to five of its ancestors (so `.build/debug/parley-server` finds
///    the repository's `spec/` whatever the current directory);
/// 4. `/usr/local/share/parley/spec`, `/usr/share/parley/spec`.
public struct SpecLocator: Sendable {
    public let candidates: [String]

    public init(candidates: [String]) {
        self.candidates = candidates
    }

    public static func fromEnvironment() -> SpecLocator {
        var dirs: [String] = []
        if let configured = ProcessInfo.processInfo.environment["PARLEY_SPEC_DIR"], !configured.isEmpty {
            dirs.append(configured)
        }
        dirs.append(FileManager.default.currentDirectoryPath + "/spec")
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        }
        for _ in 0..<6 {
            dirs.append(directory.appendingPathComponent("spec").path)
            directory.deleteLastPathComponent()
        }
        dirs += ["/usr/local/share/parley/spec", "/usr/share/parley/spec"]
        return SpecLocator(candidates: dirs)
    }

    /// The first candidate holding `name`, as a path.
    public func locate(_ name: String) -> String? {
        for directory in candidates {
            let path = directory + "/" + name
            if FileManager.default.isReadableFile(atPath: path) { return path }
        }
        return nil
    }
}
