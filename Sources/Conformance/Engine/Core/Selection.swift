/// Case selection by profile and glob patterns over ids (`*` any run of characters, `?` one character; a pattern
/// without wildcards also selects every id below it, so `mirotalk/join` picks the whole area).
public enum Selection {
    public struct NoMatch: Error, Sendable, CustomStringConvertible {
        public let patterns: [String]
        public init(patterns: [String]) { self.patterns = patterns }
        public var description: String {
            "no case matches " + patterns.map { "'\($0)'" }.joined(separator: ", ") + " (see `parley-conform list`)"
        }
    }

    public static func glob(_ pattern: String, matches id: String) -> Bool {
        if !pattern.contains("*") && !pattern.contains("?") {
            return id == pattern || id.hasPrefix(pattern.hasSuffix("/") ? pattern : pattern + "/")
        }
        let p = Array(pattern), s = Array(id)
        var pi = 0, si = 0, starP = -1, starS = 0
        while si < s.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == s[si]) {
                pi += 1; si += 1
            } else if pi < p.count && p[pi] == "*" {
                starP = pi; starS = si; pi += 1
            } else if starP >= 0 {
                pi = starP + 1; starS += 1; si = starS
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// `--profile parley`: every profile of an API Parley serves, as one run against a Parley given every
    /// credential. Left out: `monibuca-v5` (another server's API) and the MiroTalk cases that need a route switched
    /// off (`*/disabled-body`; run `--profile mirotalk` against a target whose `api.allowed.*` are off for those).
    public static let parleyProfiles: Set<String> = [
        "mirotalk", "monibuca-v6", "http", "meeting", "room-ws", "whip", "whep", "handshake",
    ]

    static func inParleyProfile(_ candidate: ConformanceCase) -> Bool {
        parleyProfiles.contains(candidate.profile) && !candidate.id.hasSuffix("/disabled-body")
    }

    public static func inProfiles(_ cases: [ConformanceCase], _ profiles: [String]) -> [ConformanceCase] {
        if profiles.isEmpty { return cases }
        let parley = profiles.contains("parley")
        return cases.filter { profiles.contains($0.profile) || (parley && inParleyProfile($0)) }
    }

    /// Applies `--case` then `--exclude`; any pattern that matches no case in the profiles is an error (exit 2).
    public static func select(
        _ cases: [ConformanceCase], profiles: [String], include: [String],
        exclude: [String]
    ) throws(NoMatch) -> [ConformanceCase] {
        let pool = inProfiles(cases, profiles)
        let dead = (include + exclude).filter { pattern in !pool.contains { glob(pattern, matches: $0.id) } }
        if !dead.isEmpty { throw NoMatch(patterns: dead) }
        return pool.filter { c in
            (include.isEmpty || include.contains { glob($0, matches: c.id) })
                && !exclude.contains { glob($0, matches: c.id) }
        }
    }
}
