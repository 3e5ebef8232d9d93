import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ParleyConfig
import ParleyHTTP

/// `parley-server`: the command line of docs/contracts.md §Server command line. Exit codes: 0 clean shutdown, 2 configuration error
/// (the message names the key and, for a file, its line), 1 any other start-up failure.
@main
struct ParleyServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-server",
        abstract: "Parley meeting/media server: MiroTalk SFU REST, Monibuca V6 HTTP API, WebRTC (WHIP/WHEP).",
        discussion: "Precedence: flag > environment > config file > built-in default. See docs/configuration.md.",
        version: ParleyVersion.current, subcommands: [RecordingCommand.self])

    @Option(help: "YAML configuration file (default: $PARLEY_CONFIG, else none).")
    var config: String?

    @Option(help: "HOST:PORT to listen on for HTTP and TLS (http.listen, default :8080).")
    var listen: String?

    @Option(name: .customLong("data-dir"), help: "Directory for SQLite, generated secrets and TLS pair (data_dir).")
    var dataDir: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate for the TLS side of the port (tls.cert).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for the TLS side of the port (tls.key).")
    var tlsKey: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error (log.level).")
    var logLevel: String?

    @Flag(name: .customLong("print-config"), help: "Print the effective configuration, secrets masked, and exit.")
    var printConfig = false

    var flagOverrides: [String: String] {
        var overrides: [String: String] = [:]
        overrides["http.listen"] = listen
        overrides["data_dir"] = dataDir
        overrides["tls.cert"] = tlsCert
        overrides["tls.key"] = tlsKey
        overrides["log.level"] = logLevel
        return overrides
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let effective: ParleyConfig
        do {
            effective = try ConfigLoader.load(
                file: config ?? environment["PARLEY_CONFIG"], environment: environment,
                overrides: flagOverrides)
        } catch {
            FileHandle.standardError.write(Data("parley-server: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if printConfig {
            print(effective.renderYAML(maskSecrets: true), terminator: "")
            return
        }

        let level = Logger.Level(rawValue: effective.log.level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            // StreamLogHandler's lines, without its per-request metadata rendering (see the type).
            var handler = DeferredMetadataLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = {
            var logger = Logger(label: "parley")
            logger.logLevel = level
            return logger
        }()

        let application: any ApplicationProtocol
        do {
            let services = try await ParleyServer.makeServices(config: effective, logger: logger)
            try await ParleyServer.prepare(services: services)
            let tlsPaths = try TLSMaterial.resolve(
                certPath: effective.tls.cert, keyPath: effective.tls.key,
                dataDirectory: URL(fileURLWithPath: effective.dataDir),
                logger: logger)
            let tls = try TLSMaterial.serverConfiguration(tlsPaths)
            application = ParleyServer.makeApplication(
                services: services, tls: tls
            ) { channel in
                logger.info(
                    "listening (HTTP and TLS on one port)",
                    metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
            }
        } catch {
            logger.critical("start-up failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        do {
            try await application.runService()
        } catch {
            logger.critical("server stopped with an error", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("shut down cleanly")
    }

    /// Usage errors (unknown flag, missing value) count as configuration errors: exit 2, not ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
