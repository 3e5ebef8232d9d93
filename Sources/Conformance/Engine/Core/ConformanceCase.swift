/// Where a case's requirement comes from, with the revision it was written against.
public struct SpecReference: Sendable, Codable, Equatable {
    /// e.g. "MiroTalk SFU 2.3.77 ServerApi.getJoinURL", "spec/mirotalk-v1.yaml#getStats", "RFC 9725 §4.3.1".
    public let document: String
    /// Heading, section or operation inside the document.
    public let section: String

    public init(_ document: String, _ section: String) { self.document = document; self.section = section }

    /// "document section"; a section starting with `#` is a fragment of the document and joins it directly.
    public var text: String {
        if section.isEmpty { return document }
        return section.hasPrefix("#") ? document + section : "\(document) \(section)"
    }
}

/// One conformance case: a stable id, the requirement it checks, and how to check it over the wire.
public struct ConformanceCase: Sendable {
    public typealias Body = @Sendable (CaseContext) async throws -> CaseOutcome

    /// `<profile>/<area>/<slug>`, lower-case, never positional.
    public let id: String
    public let title: String
    public let severity: Severity
    public let reference: SpecReference
    /// The requirement, quoted or paraphrased.
    public let requirement: String
    public let profile: String
    public let run: Body

    public init(id: String, title: String, severity: Severity, reference: SpecReference, requirement: String,
                run: @escaping Body) {
        self.id = id
        self.title = title
        self.severity = severity
        self.reference = reference
        self.requirement = requirement
        self.profile = String(id.split(separator: "/").first ?? "")
        self.run = run
    }
}
