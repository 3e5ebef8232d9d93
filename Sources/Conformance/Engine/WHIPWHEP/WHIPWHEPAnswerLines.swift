/// An SDP answer read line by line (RFC 8866 §5): the session-level `a=` lines and each `m=` section's, enough to
/// judge directions, BUNDLE and rtcp-mux without trusting a full parser with a target's odd output.
struct WHIPWHEPAnswerLines: Sendable {
    struct Section: Sendable {
        let mediaLine: String
        var attributes: [String] = []

        var kind: String { String(mediaLine.dropFirst(2).split(separator: " ").first ?? "") }
        var port: String { mediaLine.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
        var rejected: Bool { port == "0" }
        var mid: String? { value("mid") }

        func has(_ name: String) -> Bool { attributes.contains { $0 == name || $0.hasPrefix(name + ":") } }

        func value(_ name: String) -> String? {
            attributes.first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
        }

        /// The direction attribute (RFC 8866 §6.7); sendrecv when none is given.
        var direction: String {
            ["sendrecv", "sendonly", "recvonly", "inactive"].first { d in attributes.contains(d) } ?? "sendrecv"
        }
    }

    var session: [String] = []
    var sections: [Section] = []

    init(_ text: String) {
        // "\r\n" is one Character in Swift, so split on any newline character.
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = String(raw)
            if line.hasPrefix("m=") {
                sections.append(Section(mediaLine: line))
            } else if line.hasPrefix("a=") {
                let attribute = String(line.dropFirst(2))
                if sections.isEmpty {
                    session.append(attribute)
                } else {
                    sections[sections.count - 1].attributes.append(attribute)
                }
            }
        }
    }

    var looksLikeSDP: Bool { !sections.isEmpty }

    /// The mids of `a=group:BUNDLE` (RFC 9143 §7), if any.
    var bundleMids: [String]? {
        session.first { $0.hasPrefix("group:BUNDLE") }.map { $0.split(separator: " ").dropFirst().map(String.init) }
    }
}
