import Foundation

/// Finds the join page's static files (`JoinPage/Web`, copied by SwiftPM into the `parley_ParleyHTTP.resources`
/// bundle next to the executable) without `Bundle.module`, whose accessor ends the process when the bundle is
/// missing: a server without its page answers 503 on the page routes and serves every API. Search order:
/// 1. `$PARLEY_WEB_DIR`;
/// 2. `parley_ParleyHTTP.resources/Web` beside the executable (the build output, `swift test` too);
/// 3. `Sources/Server/HTTP/JoinPage/Web` in the executable's directory and up to five of its ancestors (a checkout);
/// 4. `/usr/local/share/parley/web`, `/usr/share/parley/web`.
public struct WebAssetLocator: Sendable {
    /// The file every candidate must hold to count.
    static let marker = "join.html"
    public let candidates: [String]

    public init(candidates: [String]) {
        self.candidates = candidates
    }

    public static func fromEnvironment() -> WebAssetLocator {
        var dirs: [String] = []
        if let configured = ProcessInfo.processInfo.environment["PARLEY_WEB_DIR"], !configured.isEmpty {
            dirs.append(configured)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        }
        dirs.append(directory.appendingPathComponent("parley_ParleyHTTP.resources/Web").path)
        for _ in 0..<6 {
            dirs.append(directory.appendingPathComponent("Sources/Server/HTTP/JoinPage/Web").path)
            directory.deleteLastPathComponent()
        }
        dirs += ["/usr/local/share/parley/web", "/usr/share/parley/web"]
        return WebAssetLocator(candidates: dirs)
    }

    /// The first candidate directory that holds the page.
    public func locate() -> String? {
        candidates.first { FileManager.default.isReadableFile(atPath: $0 + "/" + Self.marker) }
    }
}
