extension SDPNegotiation {
    /// WHEP (draft-ietf-wish-whep-02 §4.2): the player gets the tracks its path's publisher sends, each with the
    /// player's own payload type, fmtp and RTX for the same codec (Chrome decodes by its offer's PT map,
    /// docs/interop.md §1). `publishing` lists the publisher's codec per kind. Sections the publisher has nothing
    /// for are left out (answered inactive); refused when no section can receive anything, with what the
    /// publisher sends and what the offer takes.
    public static func match(_ accepted: AcceptedOffer, publishing: [NegotiatedCodec]) throws(NegotiationRefusal)
        -> AcceptedOffer
    {
        var matched = accepted
        matched.tracks = accepted.tracks.compactMap { track in
            guard let source = publishing.first(where: { $0.family.kind == track.kind }),
                let codec = track.codecs.first(where: { $0.canReceive(source) })
            else { return nil }
            var chosen = track
            chosen.codecs = [codec]
            return chosen
        }
        guard matched.tracks.isEmpty else { return matched }
        let sends = publishing.isEmpty ? "nothing yet" : publishing.map(\.summary).joined(separator: " and ")
        let takes = Self.uniqued(accepted.tracks.flatMap { $0.codecs.map(\.summary) })
        throw NegotiationRefusal("the publisher sends \(sends); the offer has only \(takes.joined(separator: ", "))")
    }

    static func uniqued(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
