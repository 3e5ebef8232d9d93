/// Where a case's requirement comes from, in a form a stranger can open: a public URL (an RFC section on
/// rfc-editor.org, an upstream source file pinned to a commit) or a file of this repository (`docs/…`, `spec/…`,
/// optionally with `#operationId`). `parley-conform list` prints it; ``locator`` says which form it is.
public struct SpecReference: Sendable, Codable, Equatable {
    /// e.g. "https://www.rfc-editor.org/rfc/rfc9725#section-4.3.1", "spec/mirotalk-v1.yaml#getStats",
    /// "docs/contracts.md", or an upstream file URL with a line anchor.
    public let document: String
    /// What inside the document: a function, a heading (`§Room WebSocket` for this repository's Markdown), a status.
    public let section: String

    public init(_ document: String, _ section: String) { self.document = document; self.section = section }

    /// "document section"; a section starting with `#` is a fragment of the document and joins it directly.
    public var text: String {
        if section.isEmpty { return document }
        return section.hasPrefix("#") ? document + section : "\(document) \(section)"
    }

    /// How the document can be opened.
    public enum Locator: Sendable, Equatable {
        /// A public `https://` address.
        case web(String)
        /// A path relative to the repository root (`docs/` or `spec/`) and the fragment after `#`, if any.
        case repositoryFile(path: String, fragment: String?)
    }

    /// Nil when the document is neither an `https://` URL nor a `docs/`/`spec/` path: a bare name such as
    /// "notes.md" cannot be opened by someone who has only the repository.
    public var locator: Locator? {
        if document.hasPrefix("https://"), !document.contains(" ") { return .web(document) }
        guard document.hasPrefix("docs/") || document.hasPrefix("spec/"), !document.contains(" ") else { return nil }
        let parts = document.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        return .repositoryFile(path: String(parts[0]), fragment: parts.count > 1 ? String(parts[1]) : nil)
    }

    /// An RFC section as its rfc-editor.org address, e.g. `rfc(9725, "4.3.1", "PATCH needs If-Match")`.
    public static func rfc(_ number: Int, _ section: String, _ what: String = "") -> SpecReference {
        SpecReference("https://www.rfc-editor.org/rfc/rfc\(number)#section-\(section)", what)
    }
}
