/// `--profile handshake`: the STUN, ICE, DTLS and SRTP rules a WHIP/WHEP server's media port must keep, checked
/// with the runner's own client (RFC 8445, 8489, 7675, 7983, 6347, 8122, 3711), plus the offline tier that holds
/// the runner's checkers against RFC 5769, 3711 and 7714 vectors. Case ids are `handshake/<rfc-section>/<slug>`.
enum HandshakeSuite {
    static func cases() -> [ConformanceCase] { offlineCases() + stunCases() + mediaCases() }
}
