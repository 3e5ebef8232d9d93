/// Bounds on an untrusted session description or trickle fragment, checked while parsing so that the work done
/// on any input is linear in its size and capped in absolute terms (RFC 8866 sets no limits of its own).
///
/// The defaults leave room for every offer a browser or WHIP/WHEP client sends: Chrome's video section lists
/// about 40 payload types with some 110 `a=rtcp-fb` lines and 250 attributes in all.
public struct SDPLimits: Sendable, Hashable {
    /// Whole description, in bytes.
    public var maxBytes: Int
    /// One line (type letter and `=` included, line ending excluded), in bytes.
    public var maxLineLength: Int
    /// `m=` sections.
    public var maxMediaSections: Int
    /// Formats on one `m=` line (RTP has 128 payload type numbers, RFC 3551 §6).
    public var maxFormatsPerSection: Int
    /// `a=` lines of one media section, or at session level.
    public var maxAttributesPerSection: Int
    /// `a=rtcp-fb` lines (RFC 4585 §4.2), `*` ones included, per media section.
    public var maxFeedbackPerSection: Int
    /// `a=candidate` lines (RFC 8839 §5.1) per media section.
    public var maxCandidatesPerSection: Int

    public init(
        maxBytes: Int = 65_536, maxLineLength: Int = 4_096, maxMediaSections: Int = 32,
        maxFormatsPerSection: Int = 128, maxAttributesPerSection: Int = 1_024,
        maxFeedbackPerSection: Int = 256, maxCandidatesPerSection: Int = 100
    ) {
        self.maxBytes = maxBytes
        self.maxLineLength = maxLineLength
        self.maxMediaSections = maxMediaSections
        self.maxFormatsPerSection = maxFormatsPerSection
        self.maxAttributesPerSection = maxAttributesPerSection
        self.maxFeedbackPerSection = maxFeedbackPerSection
        self.maxCandidatesPerSection = maxCandidatesPerSection
    }

    /// What `SessionDescription.parse(_:)` and `SDPFragment.parse(_:)` apply.
    public static let standard = SDPLimits()

    /// No practical bound (trusted input such as our own answers, and complexity tests).
    public static let unbounded = SDPLimits(
        maxBytes: .max, maxLineLength: .max, maxMediaSections: .max,
        maxFormatsPerSection: .max, maxAttributesPerSection: .max,
        maxFeedbackPerSection: .max, maxCandidatesPerSection: .max)
}

/// Counts the `a=` lines of one section against `SDPLimits` as they are parsed.
struct SDPAttributeBudget {
    let limits: SDPLimits
    let scope: String
    var attributes = 0
    var feedback = 0
    var candidates = 0

    init(_ limits: SDPLimits, scope: String) {
        self.limits = limits
        self.scope = scope
    }

    mutating func count(_ attribute: SDPAttribute, line: Int) throws(SDPError) {
        attributes += 1
        guard attributes <= limits.maxAttributesPerSection else {
            throw SDPError(
                line: line, reason: "\(scope) has more than \(limits.maxAttributesPerSection) a= lines",
                kind: .tooLarge)
        }
        switch attribute {
        case .rtcpFeedback:
            feedback += 1
            guard feedback <= limits.maxFeedbackPerSection else {
                throw SDPError(
                    line: line, reason: "\(scope) has more than \(limits.maxFeedbackPerSection) a=rtcp-fb lines",
                    kind: .tooLarge)
            }
        case .candidate:
            candidates += 1
            guard candidates <= limits.maxCandidatesPerSection else {
                throw SDPError(
                    line: line, reason: "\(scope) has more than \(limits.maxCandidatesPerSection) a=candidate lines",
                    kind: .tooLarge)
            }
        default:
            break
        }
    }
}
