import Foundation
import Testing
@testable import ParleyConfig

/// Writes `yaml` to a fresh temporary file and returns its path.
func temporaryConfigFile(_ yaml: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-config-tests-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent("config.yaml")
    try yaml.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// The ConfigError that loading `yaml` throws, or nil when it loads.
func loadError(_ yaml: String) -> ConfigError? {
    do {
        _ = try ConfigLoader.load(yaml: yaml)
        return nil
    } catch {
        return error
    }
}

func loadError(environment: [String: String], overrides: [String: String] = [:]) -> ConfigError? {
    do {
        _ = try ConfigLoader.load(file: nil, environment: environment, overrides: overrides)
        return nil
    } catch {
        return error
    }
}
