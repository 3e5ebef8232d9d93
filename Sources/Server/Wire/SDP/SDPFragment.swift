/// RFC 8840 §4.4 `application/trickle-ice-sdpfrag` body: session-level ICE attributes (ice-ufrag, ice-pwd,
/// ice-options) followed by m= lines that identify sections (by a=mid) and carry candidates/end-of-candidates.
public struct SDPFragment: Hashable, Sendable, SDPAttributeContainer {
    public var attributes: [SDPAttribute]
    public var media: [MediaDescription]

    public init(attributes: [SDPAttribute] = [], media: [MediaDescription] = []) {
        self.attributes = attributes
        self.media = media
    }

    public static func parse(_ text: String) throws(SDPError) -> SDPFragment {
        let lines = try SDPLine.split(text)
        var fragment = SDPFragment()
        var index = 0
        while index < lines.count, lines[index].type != "m" {
            let line = lines[index]
            index += 1
            guard line.type == "a" else { throw SDPError(line: line.number, reason: "only a= lines may precede m= in an sdpfrag") }
            fragment.attributes.append(try SessionDescription.field(line) { value throws(SDPFieldError) in try SDPAttribute.parse(value) })
        }
        while index < lines.count {
            fragment.media.append(try SessionDescription.parseMedia(lines, &index))
        }
        return fragment
    }

    public func serialize() -> String {
        (attributes.map { "a=" + $0.sdpText } + media.flatMap(\.lines)).map { $0 + "\r\n" }.joined()
    }
}
