/// RFC 8840 §4.4 `application/trickle-ice-sdpfrag` body: session-level ICE attributes (ice-ufrag, ice-pwd,
/// ice-options) followed by m= lines that identify sections (by a=mid) and carry candidates/end-of-candidates.
public struct SDPFragment: Hashable, Sendable, SDPAttributeContainer {
    public var attributes: [SDPAttribute]
    public var media: [MediaDescription]

    public init(attributes: [SDPAttribute] = [], media: [MediaDescription] = []) {
        self.attributes = attributes
        self.media = media
    }

    /// Parses a fragment within `limits` (the same ones as a full description), in linear time.
    public static func parse(_ text: String, limits: SDPLimits = .standard) throws(SDPError) -> SDPFragment {
        let lines = try SDPLine.split(text, limits: limits)
        var fragment = SDPFragment()
        var index = 0
        var budget = SDPAttributeBudget(limits, scope: "the fragment's session level")
        while index < lines.count, lines[index].type != "m" {
            let line = lines[index]
            index += 1
            guard line.type == "a" else {
                throw SDPError(line: line.number, reason: "only a= lines may precede m= in an sdpfrag")
            }
            let attribute = try SessionDescription.field(line) { value throws(SDPFieldError) in
                try SDPAttribute.parse(value)
            }
            try budget.count(attribute, line: line.number)
            fragment.attributes.append(attribute)
        }
        while index < lines.count {
            fragment.media.append(
                try SessionDescription.parseMedia(
                    lines, &index, limits: limits,
                    sectionIndex: fragment.media.count))
        }
        return fragment
    }

    public func serialize() -> String {
        (attributes.map { "a=" + $0.sdpText } + media.flatMap(\.lines)).map { $0 + "\r\n" }.joined()
    }
}
