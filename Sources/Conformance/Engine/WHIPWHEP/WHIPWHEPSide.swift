/// Which of the two protocols a case checks: WHIP publishes (RFC 9725), WHEP plays (draft-ietf-wish-whep-02, the
/// revision Parley's endpoints follow). Most rules are written once in RFC 9725 and repeated by the WHEP draft under
/// the same section numbers, so one case body serves both profiles with its own id and reference.
public enum WHIPWHEPSide: String, Sendable, CaseIterable {
    case whip, whep

    public static let whepDraft = "draft-ietf-wish-whep-02"
    static let whepDocument = "https://datatracker.ietf.org/doc/html/\(whepDraft)"

    var profile: String { rawValue }
    var publishing: Bool { self == .whip }
    var name: String { rawValue.uppercased() }

    /// `whip/rfc9725-4.3.1/slug` or `whep/draft02-4.3.1/slug`.
    func id(_ section: String, _ slug: String) -> String {
        switch self {
        case .whip: "whip/rfc9725-\(section)/\(slug)"
        case .whep: "whep/draft02-\(section)/\(slug)"
        }
    }

    /// The section in RFC 9725 (rfc-editor.org) or in the WHEP draft (datatracker), with what it says.
    func reference(_ section: String, _ what: String) -> SpecReference {
        switch self {
        case .whip: .rfc(9725, section, what)
        case .whep: SpecReference("\(Self.whepDocument)#section-\(section)", what)
        }
    }

    /// The direction the answer must carry for this side's offer (RFC 3264 §6.1: the reverse of the offer's).
    var answerDirection: String { publishing ? "recvonly" : "sendonly" }
}
