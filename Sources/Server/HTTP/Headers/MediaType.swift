import Foundation

/// A `Content-Type` value reduced to what the faces decide on (RFC 9110 §8.3.1): `type/subtype`, lowercased, without
/// parameters. Every face reads request media types through this one parser.
struct MediaType: Equatable, Sendable, CustomStringConvertible {
    /// `type/subtype`, lowercased (media types are case-insensitive).
    let essence: String

    /// Nil for a missing field; a value without `/` keeps its text, so it simply matches nothing.
    init?(_ field: String?) {
        guard let field else { return nil }
        let beforeParameters = field.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        essence = beforeParameters.trimmingCharacters(in: [" ", "\t"]).lowercased()
    }

    init(essence: String) {
        self.essence = essence
    }

    /// `application/json` or a structured `+json` type (RFC 6839 §3.1).
    var isJSON: Bool {
        essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json"))
    }

    static let json = MediaType(essence: "application/json")
    static let formURLEncoded = MediaType(essence: "application/x-www-form-urlencoded")
    static let sdp = MediaType(essence: "application/sdp")
    static let trickleICEFragment = MediaType(essence: "application/trickle-ice-sdpfrag")

    var description: String { essence }
}
