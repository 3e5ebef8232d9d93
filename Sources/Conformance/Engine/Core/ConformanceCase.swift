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
    /// False for cases that check the runner's own checkers against published vectors: they run under
    /// `run --offline` with no target (docs/conformance.md "Offline tier").
    public let needsTarget: Bool
    public let run: Body

    public init(
        id: String, title: String, severity: Severity, reference: SpecReference, requirement: String,
        needsTarget: Bool = true, run: @escaping Body
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.reference = reference
        self.requirement = requirement
        self.profile = String(id.split(separator: "/").first ?? "")
        self.needsTarget = needsTarget
        self.run = run
    }
}
