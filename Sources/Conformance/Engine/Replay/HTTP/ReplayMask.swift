import Foundation

/// What the HTTP/WebSocket replay ignores or normalises before comparing a response with the recorded one
/// (docs/replay.md "Mask file"): JSON paths whose values are volatile, which headers are compared, and regular
/// expressions whose matches (ids, UUIDs, timestamps, tokens) are replaced by `<name>` in URLs, header values,
/// text bodies and JSON strings.
public struct ReplayMask: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented thread-safe.

    /// JSON pointer (RFC 6901) patterns split into segments; `*` matches one segment, `**` any number, and a `*`
    /// inside a segment any run of characters.
    public var jsonPaths: [[String]]
    /// Lower-cased header names compared between recorded and replayed responses.
    public var comparedHeaders: [String]
    public var patterns: [(name: String, regex: NSRegularExpression)]

    /// Headers whose difference changes what a client does (RFC 9110 §8.3, §10.2.2, §8.8.3, §10.2.1; Fetch CORS).
    public static let defaultComparedHeaders = [
        "content-type", "location", "etag", "allow", "www-authenticate", "cache-control", "content-encoding",
        "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers",
        "access-control-allow-credentials", "access-control-expose-headers", "access-control-max-age", "vary",
    ]

    /// Used when neither `--mask` nor spec/replay-mask.yaml is there: UUIDs and ISO 8601 timestamps only.
    public static var builtIn: ReplayMask {
        // The patterns are literals known to compile.
        (try? ReplayMask(patterns: [("uuid", uuidPattern), ("timestamp", timestampPattern)])) ?? ReplayMask.empty
    }

    static let uuidPattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    static let timestampPattern =
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?"

    private static let empty = ReplayMask(uncheckedPaths: [], comparedHeaders: defaultComparedHeaders, patterns: [])

    private init(uncheckedPaths: [[String]], comparedHeaders: [String], patterns: [(String, NSRegularExpression)]) {
        self.jsonPaths = uncheckedPaths
        self.comparedHeaders = comparedHeaders
        self.patterns = patterns.map { (name: $0.0, regex: $0.1) }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(jsonPaths: [String] = [], comparedHeaders: [String]? = nil, patterns: [(String, String)] = [])
        throws(Failure)
    {
        self.jsonPaths = try jsonPaths.map { path throws(Failure) in
            guard path.isEmpty || path.hasPrefix("/") else {
                throw Failure(description: "mask: JSON path \"\(path)\" must be a JSON pointer starting with /")
            }
            // RFC 6901 §4: ~1 is "/" and ~0 is "~" inside a segment.
            return path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
        }
        self.comparedHeaders = (comparedHeaders ?? Self.defaultComparedHeaders).map { $0.lowercased() }
        self.patterns = try patterns.map { name, pattern throws(Failure) in
            do { return (name, try NSRegularExpression(pattern: pattern)) } catch {
                throw Failure(description: "mask: pattern \(name) is not a valid regular expression: \(pattern)")
            }
        }
    }

    /// Reads a mask file (YAML or JSON, which is YAML): `json`, `headers.compare`, `headers.ignore`, `patterns`.
    public static func load(path: String) throws(Failure) -> ReplayMask {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Failure(description: "mask: cannot read \(path): \(error.localizedDescription)")
        }
        let document: JSONValue
        do { document = try JSONValue.parseYAML(text) } catch {
            throw Failure(description: "mask: \(path) is neither YAML nor JSON: \(error)")
        }
        return try parse(document, source: path)
    }

    static func parse(_ document: JSONValue, source: String) throws(Failure) -> ReplayMask {
        guard case .object(let members) = document else {
            throw Failure(description: "mask: \(source) must be a mapping with json, headers and patterns")
        }
        let known: Set<String> = ["version", "json", "headers", "patterns"]
        if let unknown = members.first(where: { !known.contains($0.0) }) {
            throw Failure(description: "mask: \(source): unknown key \"\(unknown.0)\" (known: \(known.sorted()))")
        }
        func strings(_ value: JSONValue?, _ name: String) throws(Failure) -> [String]? {
            guard let value else { return nil }
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw Failure(description: "mask: \(source): \(name) must be a list of strings")
            }
            return items.compactMap(\.stringValue)
        }
        let paths = try strings(document["json"], "json") ?? []
        var compared: [String]?
        if let headers = document["headers"] {
            guard headers.objectKeys != nil else {
                throw Failure(description: "mask: \(source): headers must be a mapping with compare and ignore")
            }
            compared = try strings(headers["compare"], "headers.compare")?.map { $0.lowercased() }
            let ignored = Set(try strings(headers["ignore"], "headers.ignore")?.map { $0.lowercased() } ?? [])
            compared = (compared ?? defaultComparedHeaders).filter { !ignored.contains($0) }
        }
        var patterns: [(String, String)] = []
        if let value = document["patterns"] {
            guard case .object(let entries) = value, entries.allSatisfy({ $0.1.stringValue != nil }) else {
                throw Failure(description: "mask: \(source): patterns must map names to regular expressions")
            }
            patterns = entries.map { ($0.0, $0.1.stringValue ?? "") }
        }
        return try ReplayMask(jsonPaths: paths, comparedHeaders: compared, patterns: patterns)
    }

    /// Replaces every pattern match in `text` by `<name>`, patterns applied in file order.
    public func normalise(_ text: String) -> String {
        var result = text
        for (name, regex) in patterns {
            result = regex.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "<\(name)>")
        }
        return result
    }

    /// True when the JSON pointer `path` (segments) matches one of the masked paths.
    public func masks(_ path: [String]) -> Bool {
        jsonPaths.contains { Self.match($0[...], path[...]) }
    }

    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            // ** absorbs zero or more segments; paths are short, so trying each split stays cheap.
            var rest = path
            while true {
                if match(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let segment = path.first, segmentMatches(head, segment) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// `*` inside a segment matches any run of characters (`*_at` matches `created_at`); otherwise equality.
    static func segmentMatches(_ pattern: String, _ name: String) -> Bool {
        guard pattern.contains("*") else { return pattern == name }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(name)
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return rest.hasSuffix(part) }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
