import Foundation

/// Every case the runner knows, from Swift and from the YAML scenarios under `spec/scenarios/`.
public enum ConformanceCatalogue {
    public static let runnerVersion = "0.1.0"

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// All cases, sorted by id. `specDirectory` holds `mirotalk-v1.yaml` and `scenarios/`.
    public static func all(specDirectory: URL) throws -> [ConformanceCase] {
        let documents = try SpecDocuments(directory: specDirectory)
        var cases = MiroTalkSuite.cases(documents: documents)
        let roomSocketSchema = try RoomSocketSchema(directory: specDirectory)
        cases += RoomSocketSuite.cases(schema: roomSocketSchema)
        cases += MeetingSuite.cases(documents: documents, schema: roomSocketSchema)
        cases += MiroTalkSuite.liveCases(schema: roomSocketSchema, documents: documents)
        cases += MonibucaV6Suite.cases() + MonibucaV5Suite.cases() + HTTPHygieneSuite.cases()
        cases += WHIPWHEPSuite.cases()
        cases += HandshakeSuite.cases()
        cases += try ScenarioLoader.loadAll(
            directory: specDirectory.appendingPathComponent("scenarios"), documents: documents)
        var seen = Set<String>()
        for c in cases where !seen.insert(c.id).inserted {
            throw LoadError(description: "duplicate case id \(c.id)")
        }
        return cases.sorted { $0.id < $1.id }
    }

    /// Finds the `spec/` directory: `$PARLEY_SPEC_DIR`, then `./spec`, then next to or above the executable.
    public static func locateSpecDirectory(explicit: String? = nil) -> URL? {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) }
        if let env = ProcessInfo.processInfo.environment["PARLEY_SPEC_DIR"] {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("spec"))
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("spec"))
            candidates.append(dir.appendingPathComponent("share/parley/spec"))
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent("mirotalk-v1.yaml").path) }
    }
}
