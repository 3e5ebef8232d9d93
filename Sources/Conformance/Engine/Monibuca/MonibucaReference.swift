/// Where the Monibuca rules are written: the V6 HTTP API overview page (the seed), Monibuca v5's public Go source
/// pinned to the commits the cases were written against, RFC sections, and this repository's contract.
enum MonibucaReference {
    static let v6Page = "https://monibuca.com/en/api/http-api/"
    static let v5Repository = "https://github.com/langhuihui/monibuca"

    /// A section of the V6 HTTP API overview.
    static func v6(_ section: String) -> SpecReference { SpecReference(v6Page, "\(section) (Monibuca V6 HTTP API)") }

    /// A v5 source file at the commit it was read at, with the function the case follows.
    static func v5(_ file: V5File, _ what: String) -> SpecReference {
        SpecReference("\(v5Repository)/blob/\(file.commit)/\(file.path)", "\(what) (Monibuca v5)")
    }

    /// A heading of docs/contracts.md, for what the V6 page leaves open and Parley fixes.
    static func contract(_ heading: String, _ what: String = "") -> SpecReference {
        SpecReference("docs/contracts.md", "§\(heading)" + (what.isEmpty ? "" : ": \(what)"))
    }

    enum V5File {
        case server, auth, plugin, webrtcAPI

        var path: String {
            switch self {
            case .server: "server.go"
            case .auth: "pkg/auth/auth.go"
            case .plugin: "plugin.go"
            case .webrtcAPI: "plugin/webrtc/api.go"
            }
        }

        var commit: String {
            switch self {
            case .server: "e4d2421e7877a25b5ee46f2834b5d8a85e5e8841"
            case .auth: "764c05d3bf498365eb166808de906260aaadade9"
            case .plugin: "e70f95cc551e7875424be352e1b48becd4ec9c44"
            case .webrtcAPI: "fba41faf6b46111448ace3baa4ac4011d02c86fa"
            }
        }
    }
}
