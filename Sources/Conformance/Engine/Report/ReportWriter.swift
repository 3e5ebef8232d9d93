import Foundation

/// `--report KIND:PATH` destinations.
public struct ReportDestination: Sendable, Equatable {
    public enum Kind: String, Sendable { case json, junit, html }
    public let kind: Kind
    public let path: String

    public init?(argument: String) {
        guard let colon = argument.firstIndex(of: ":"),
            let kind = Kind(rawValue: String(argument[..<colon]).lowercased())
        else {
            return nil
        }
        let path = String(argument[argument.index(after: colon)...])
        guard !path.isEmpty else { return nil }
        self.kind = kind
        self.path = path
    }

    public func write(_ report: RunReport) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        switch kind {
        case .json: try report.jsonData().write(to: url)
        case .junit: try Data(JUnitReport.render(report).utf8).write(to: url)
        case .html: try Data(HTMLReport.render([report]).utf8).write(to: url)
        }
    }
}
