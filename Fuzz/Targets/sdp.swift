// libFuzzer target: SDP offers (RFC 8866) as WHIP/WHEP receive them, and trickle-ICE fragments (RFC 8840).
import ParleyWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSDP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let fragment = try? SDPFragment.parse(text) {
        _ = fragment.candidates
        _ = fragment.serialize()
    }
    guard let session = try? SessionDescription.parse(text) else { return 0 }
    // What the WebRTC face reads from an offer before answering it.
    _ = (session.bundleGroup, session.msidSemantic, session.isICELite, session.iceOptions)
    for media in session.media {
        _ = (session.iceCredentials(for: media), session.fingerprints(for: media), session.setup(for: media))
        _ = (media.mid, media.codecs, media.extmaps, media.ssrcs, media.ssrcGroups, media.rids, media.simulcast)
        _ = (media.candidates, media.effectiveDirection, media.msid)
    }
    // Re-read without limits: serializing may lengthen a line or the whole (CRLF endings, normalised spacing).
    guard (try? SessionDescription.parse(session.serialize(), limits: .unbounded)) != nil else {
        fatalError("SDP serialize of a parsed description did not parse")
    }
    return 0
}
