// Builds the effective configuration: built-in defaults, then the file, then the environment, then flags.

import Foundation

/// Loads `ParleyConfig` from its sources. Precedence: flag > environment > config file > built-in default.
public enum ConfigLoader {
    /// Environment variable naming the file when no `--config` flag is given.
    public static let configPathVariable = "PARLEY_CONFIG"

    /// - Parameters:
    ///   - file: the `--config` path; nil = `PARLEY_CONFIG` if set, else no file.
    ///   - environment: usually `ProcessInfo.processInfo.environment`. Empty values count as unset.
    ///   - overrides: flag values by dotted key (`http.listen`, `data_dir`, `tls.cert`, `tls.key`, `log.level`;
    ///     any single-valued key is accepted; list keys take a comma list).
    public static func load(
        file: String?, environment: [String: String],
        overrides: [String: String] = [:]
    ) throws(ConfigError) -> ParleyConfig {
        var config = ParleyConfig()
        var origins: [String: ConfigError.Source] = [:]
        let path = file ?? environment[configPathVariable].flatMap { $0.isEmpty ? nil : $0 }
        if let path {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigError(
                    kind: .unreadable, key: nil, source: .file(path: path, line: nil),
                    message: "cannot read the configuration file: \(error.localizedDescription)")
            }
            var reader = FileReader(path: path, config: config)
            try reader.read(yaml: text)
            config = reader.config
            origins = reader.origins
        }
        try applyEnvironment(environment, to: &config, origins: &origins)
        try applyOverrides(overrides, to: &config, origins: &origins)
        try checkAcrossKeys(config, origins: origins)
        return config
    }

    /// Parses YAML text as if it were the file at `path` (no environment, no flags).
    public static func load(yaml: String, path: String = "config.yaml") throws(ConfigError) -> ParleyConfig {
        var reader = FileReader(path: path, config: ParleyConfig())
        try reader.read(yaml: yaml)
        try checkAcrossKeys(reader.config, origins: reader.origins)
        return reader.config
    }

    /// Every environment variable Parley reads, with the key it sets.
    public static var environmentVariables: [(variable: String, key: String)] {
        ConfigSchema.settings.compactMap { setting in setting.environment.map { ($0, setting.key) } }
    }

    private static func applyEnvironment(
        _ environment: [String: String], to config: inout ParleyConfig,
        origins: inout [String: ConfigError.Source]
    ) throws(ConfigError) {
        for setting in ConfigSchema.settings {
            guard let variable = setting.environment, let value = environment[variable], !value.isEmpty else {
                continue
            }
            let source = ConfigError.Source.environment(variable: variable)
            do {
                try setting.apply(ScalarInput(text: value), to: &config)
            } catch {
                throw ConfigError(
                    kind: error.kind, key: setting.key, source: source,
                    message: "'\(setting.key)' \(error.text)")
            }
            origins[setting.key] = source
        }
    }

    private static func applyOverrides(
        _ overrides: [String: String], to config: inout ParleyConfig,
        origins: inout [String: ConfigError.Source]
    ) throws(ConfigError) {
        // Sorted so that the first error reported does not depend on dictionary order.
        for (written, value) in overrides.sorted(by: { $0.key < $1.key }) {
            let key = ConfigSchema.aliases[written] ?? written
            let source = ConfigError.Source.flag(name: ConfigSchema.flags[key] ?? written)
            guard let setting = ConfigSchema.settingsByKey[key] else {
                throw ConfigError(
                    kind: .unknownKey, key: written, source: source,
                    message: "unknown key '\(written)'")
            }
            do {
                try setting.apply(ScalarInput(text: value), to: &config)
            } catch {
                throw ConfigError(kind: error.kind, key: key, source: source, message: "'\(key)' \(error.text)")
            }
            origins[key] = source
        }
    }

    /// Checks no single value can make: both TLS paths or neither.
    static func checkAcrossKeys(_ config: ParleyConfig, origins: [String: ConfigError.Source]) throws(ConfigError) {
        if config.tls.cert.isEmpty != config.tls.key.isEmpty {
            let (set, missing) = config.tls.cert.isEmpty ? ("tls.key", "tls.cert") : ("tls.cert", "tls.key")
            throw ConfigError(
                kind: .invalidValue, key: set, source: origins[set] ?? .builtInDefault,
                message: "'\(set)' is set but '\(missing)' is empty; set both, or neither to use "
                    + "a generated self-signed certificate")
        }
    }
}
