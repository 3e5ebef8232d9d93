import Foundation

/// State carried from one replayed exchange to the next: values the target chose differently from the recording
/// (ids, tokens) are learnt from each response and substituted into later requests, so a recorded
/// "create, then use the id" sequence still addresses what the target created.
struct ReplaySession {
    let options: HTTPReplayOptions
    let mask: ReplayMask
    let target: Target
    let client: HTTPClient
    /// Recorded value → replayed value, longest first when applied.
    private(set) var substitutions: [(recorded: String, replayed: String)] = []

    init(options: HTTPReplayOptions, mask: ReplayMask, target: Target, client: HTTPClient) {
        self.options = options
        self.mask = mask
        self.target = target
        self.client = client
    }

    /// Framing and connection headers are the client's own business (RFC 9110 §7.6.1); the rest is replayed.
    static let droppedRequestHeaders: Set<String> = [
        "host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
        "proxy-connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
    ]

    func substitute(_ text: String) -> String {
        substitutions.reduce(text) { $0.replacingOccurrences(of: $1.recorded, with: $1.replayed) }
    }

    func request(for recorded: CapturedHTTPRequest) -> HTTPRequest {
        let headers = recorded.headers.filter { !Self.droppedRequestHeaders.contains($0.name.lowercased()) }
            .map { HeaderField($0.name, substitute($0.value)) }
        var body: [UInt8]? = recorded.body.isEmpty ? nil : recorded.body
        if let bytes = body, !substitutions.isEmpty, let text = String(validating: bytes, as: UTF8.self) {
            body = Array(substitute(text).utf8)
        }
        // The target's base path is prefixed by the client, so the recorded origin-form target is sent as is.
        return HTTPRequest(method: recorded.method, path: substitute(recorded.target), headers: headers, body: body)
    }

    /// Strings at the same JSON path that differ become substitutions, when they look like generated identifiers
    /// (8+ characters, a digit, no space): a differing word such as a state name must not rewrite later requests.
    mutating func learn(recorded: JSONValue, replayed: JSONValue) {
        switch (recorded, replayed) {
        case (.object(let a), .object(let b)):
            for (key, value) in a {
                if let other = b.first(where: { $0.0 == key }) { learn(recorded: value, replayed: other.1) }
            }
        case (.array(let a), .array(let b)):
            for (x, y) in zip(a, b) { learn(recorded: x, replayed: y) }
        case (.string(let a), .string(let b))
        where a != b && a.count >= 8 && a.contains(where: \.isNumber) && !a.contains(" "):
            guard !substitutions.contains(where: { $0.recorded == a }) else { return }
            substitutions.append((a, b))
            substitutions.sort { $0.recorded.count > $1.recorded.count }
        default:
            return
        }
    }

    mutating func replayHTTP(_ exchange: CapturedHTTPExchange, number: String) async -> CaseResult {
        let started = Date()
        let recorded = exchange.request
        let id = "replay/http/\(number)-\(recorded.method.lowercased())-\(HTTPReplay.slug(recorded.target))"
        let title = "\(recorded.method) \(recorded.target.prefix(100))"
        guard let expected = exchange.response else {
            return HTTPReplay.result(
                id: id, title: title, options: options, verdict: .skip, started: started, expected: nil,
                observed: nil, reason: "the capture holds no response to this request", wire: [])
        }
        let (result, wire) = await client.send(request(for: recorded))
        let response: HTTPResponse
        switch result {
        case .success(let value): response = value
        case .failure(let error):
            return HTTPReplay.result(
                id: id, title: title, options: options, verdict: .broken, started: started,
                expected: "\(expected.status) \(expected.reason)", observed: nil,
                reason: "\(error) [phase: \(error.phase)]", wire: [wire])
        }
        let diff = ReplayDiff(mask: mask, recordedHost: recorded.header("host"), replayedHost: target.hostHeader)
        let lines =
            diff.status(recorded: expected.status, replayed: response.status)
            + diff.headers(recorded: expected.headers, replayed: response.headers)
            + diff.body(recorded: expected.body, replayed: response.body)
        if let before = try? JSONValue.parse(expected.body), let after = try? JSONValue.parse(response.body) {
            learn(recorded: before, replayed: after)
        }
        if let before = expected.header("location"), let after = response.header("location"), before != after {
            learn(recorded: .string(before), replayed: .string(after))
        }
        let summary = "\(expected.status) \(expected.header("content-type") ?? "") \(expected.body.count) bytes"
        return HTTPReplay.result(
            id: id, title: title, options: options, verdict: lines.isEmpty ? .pass : .fail, started: started,
            expected: "as recorded: \(summary)",
            observed: lines.isEmpty
                ? "as recorded: \(response.status) \(response.header("content-type") ?? "") \(response.body.count) bytes"
                : lines.prefix(ReplayDiff.maxLines).joined(separator: "\n"),
            reason: nil, wire: [wire])
    }
}
