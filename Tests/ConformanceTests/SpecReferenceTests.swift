import Foundation
import ParleyConformance
import Testing

/// Every case must cite something a stranger can open with only this repository and a browser
/// (docs/contracts.md §parley-conform): an RFC section on rfc-editor.org, a public upstream page or pinned source
/// file, or a file of this repository with an existing heading or operation.
@Suite("Spec references a stranger can open")
struct SpecReferenceTests {
    @Test("every case in the catalogue cites an openable, existing reference")
    func catalogueReferencesOpen() throws {
        let cases = try catalogue()
        #expect(!cases.isEmpty)
        for c in cases {
            let problems = SpecReferenceCheck.problems(c.reference, repositoryRoot: repositoryRoot)
            #expect(problems.isEmpty, "\(c.id): \(c.reference.text): \(problems.joined(separator: "; "))")
        }
    }

    @Test(
        "references that cannot be opened are caught",
        arguments: [
            SpecReference("MiroTalk SFU 2.3.77 ServerApi.getJoinURL", "getJoinURL"),
            SpecReference("spec/mirotalk-v1.yaml#getJoinURL", "notes-of-my-own.md §1.7"),
            SpecReference("interface-notes.md", "§Identifiers"),
            SpecReference("docs/no-such-page.md", ""),
            SpecReference("docs/configuration.md", "§No such heading"),
            SpecReference("spec/mirotalk-v1.yaml#noSuchOperation", ""),
            SpecReference("spec/no-such.yaml#getStats", ""),
            SpecReference("https://www.rfc-editor.org/rfc/rfc9725", "a whole RFC, no section"),
            SpecReference("https://www.rfc-editor.org/rfc/rfc9725#section-4.3.1", "see private-notes.md"),
            SpecReference("https://github.com/miroslavpejic85/mirotalksfu", "the repository, not a file"),
            SpecReference("https://example.com/private-notes", ""),
            SpecReference("http://www.rfc-editor.org/rfc/rfc9725#section-4.3.1", ""),
        ])
    func unopenableReferencesAreCaught(_ reference: SpecReference) {
        #expect(!SpecReferenceCheck.problems(reference, repositoryRoot: repositoryRoot).isEmpty, "\(reference.text)")
    }

    @Test(
        "the accepted forms pass",
        arguments: [
            SpecReference.rfc(9725, "4.3.1", "PATCH needs If-Match"),
            SpecReference("spec/mirotalk-v1.yaml#getStats", "200"),
            SpecReference("docs/configuration.md", "§Keys: http.max_body_bytes"),
            SpecReference(
                "https://github.com/miroslavpejic85/mirotalksfu/blob/f4a9a42b3d3fda6d316edee473174f5725312a63/app/src/ServerApi.js#L106",
                "getJoinURL"),
        ])
    func acceptedFormsPass(_ reference: SpecReference) {
        #expect(SpecReferenceCheck.problems(reference, repositoryRoot: repositoryRoot).isEmpty, "\(reference.text)")
    }
}

let repositoryRoot = specDirectory.deletingLastPathComponent()

/// What would stop a stranger from opening a reference; empty when it opens.
enum SpecReferenceCheck {
    /// Public hosts a reference may point at; widen deliberately when a new upstream is cited.
    static let publicHosts: Set<String> = [
        "www.rfc-editor.org", "datatracker.ietf.org", "github.com", "docs.mirotalk.com", "monibuca.com",
        "fetch.spec.whatwg.org",
    ]

    static func problems(_ reference: SpecReference, repositoryRoot: URL) -> [String] {
        var problems = namedFilesMissing(in: reference.section, repositoryRoot: repositoryRoot)
        switch reference.locator {
        case nil:
            problems.append("'\(reference.document)' is neither an https:// URL nor a docs/ or spec/ file")
        case .web(let address)?:
            problems += webProblems(address)
        case .repositoryFile(let path, let fragment)?:
            problems += fileProblems(
                path: path, fragment: fragment, section: reference.section,
                repositoryRoot: repositoryRoot)
        }
        return problems
    }

    static func webProblems(_ address: String) -> [String] {
        guard let url = URL(string: address), url.scheme == "https", let host = url.host else {
            return ["'\(address)' is not an https URL"]
        }
        guard publicHosts.contains(host) else { return ["\(host) is not a known public documentation host"] }
        let parts = url.path.split(separator: "/").map(String.init)
        switch host {
        case "www.rfc-editor.org":
            // An RFC is cited by section: /rfc/rfcNNNN#section-X.
            guard parts.count == 2, parts[0] == "rfc",
                parts[1].range(of: #"^rfc[0-9]+$"#, options: .regularExpression) != nil,
                let fragment = url.fragment, fragment.hasPrefix("section-")
            else {
                return ["an RFC reference must be https://www.rfc-editor.org/rfc/rfcNNNN#section-X"]
            }
        case "github.com":
            // A source file at a revision: /owner/repo/blob/REV/path…
            guard parts.count >= 5, parts[2] == "blob" else {
                return ["a GitHub reference must name a file: /owner/repo/blob/REV/path"]
            }
        default: break
        }
        return []
    }

    static func fileProblems(path: String, fragment: String?, section: String, repositoryRoot: URL) -> [String] {
        let file = repositoryRoot.appendingPathComponent(path)
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            return ["\(path) does not exist in the repository"]
        }
        var problems: [String] = []
        if let fragment, path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            if !text.contains("operationId: \(fragment)\n") {
                problems.append("\(path) has no operationId \(fragment)")
            }
        }
        if path.hasSuffix(".md"), section.hasPrefix("§") {
            let wanted = section.dropFirst()
            let headings = text.split(separator: "\n").filter { $0.hasPrefix("#") }
                .map { $0.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces) }
            if !headings.contains(where: { !$0.isEmpty && wanted.hasPrefix($0) }) {
                problems.append("\(path) has no heading that \(section) names")
            }
        }
        return problems
    }

    /// Markdown and YAML files a section mentions (`see docs/interop.md`) must exist too.
    static func namedFilesMissing(in text: String, repositoryRoot: URL) -> [String] {
        guard let pattern = try? NSRegularExpression(pattern: #"[A-Za-z0-9_./-]+\.(md|ya?ml)\b"#) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { match in
            guard let r = Range(match.range, in: text) else { return nil }
            let name = String(text[r])
            let exists = FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(name).path)
            return exists ? nil : "names \(name), which is not a file of the repository"
        }
    }
}
