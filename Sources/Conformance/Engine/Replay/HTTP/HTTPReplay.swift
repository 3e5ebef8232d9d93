import Foundation
import ParleyWire

/// What the HTTP/WebSocket half of `parley-conform replay` needs from the command line.
public struct HTTPReplayOptions: Sendable {
    public var target: String
    public var insecure: Bool
    public var timeoutScale: Double
    /// `--mask FILE`; nil = spec/replay-mask.yaml when the spec directory is found, else ``ReplayMask/builtIn``.
    public var maskPath: String?
    /// Shown in each case's reference (the capture's file name).
    public var captureName: String

    public init(
        target: String, insecure: Bool = false, timeoutScale: Double = 1, maskPath: String? = nil,
        captureName: String = "capture"
    ) {
        self.target = target
        self.insecure = insecure
        self.timeoutScale = timeoutScale
        self.maskPath = maskPath
        self.captureName = captureName
    }

    /// The mask this run applies.
    func loadMask() throws(ReplayMask.Failure) -> ReplayMask {
        if let maskPath { return try ReplayMask.load(path: maskPath) }
        if let spec = ConformanceCatalogue.locateSpecDirectory() {
            let path = spec.appendingPathComponent("replay-mask.yaml").path
            if FileManager.default.fileExists(atPath: path) { return try ReplayMask.load(path: path) }
        }
        return ReplayMask.builtIn
    }
}

/// The HTTP/WebSocket replay (docs/replay.md): reassembles the capture's TCP connections, extracts the HTTP/1.1
/// exchanges, re-sends each request to the target in capture order (WebSocket sessions too), and diffs every
/// response with the recorded one under the mask. One case per exchange: `replay/http/<n>-<method>-<path-slug>`
/// or `replay/ws/<n>-<path-slug>`, plus `replay/capture/http` when part of the capture could not be read.
public enum HTTPReplay {
    /// True when the capture holds TCP segments, so the HTTP/WebSocket path applies.
    public static func capturesTCP(_ records: [PcapRecord]) -> Bool {
        records.contains { $0.tcpSegment != nil }
    }

    /// What a replay would send, one line each (the command's discovery report): exchanges per connection and
    /// every problem reading them.
    public static func discover(records: [PcapRecord]) -> [String] {
        let connections = TCPReassembler.connections(in: records)
        let extraction = HTTPCaptureExtractor.extract(connections)
        guard !extraction.exchanges.isEmpty || !extraction.problems.isEmpty else {
            return ["\(connections.count) TCP connections, no HTTP/1.1 request in them"]
        }
        let sockets = extraction.exchanges.filter { $0.webSocketMessages != nil }.count
        return [
            "\(connections.count) TCP connections: \(extraction.exchanges.count) HTTP exchanges (\(sockets) WebSocket sessions)"
        ] + extraction.problems.map(\.description)
    }

    public static func run(records: [PcapRecord], options: HTTPReplayOptions) async -> [CaseResult] {
        let mask: ReplayMask
        do { mask = try options.loadMask() } catch {
            return [
                result(
                    id: "replay/setup/http-mask", title: "read the mask file", options: options, verdict: .broken,
                    started: Date(), expected: nil, observed: nil, reason: error.description, wire: [])
            ]
        }
        let extraction = HTTPCaptureExtractor.extract(TCPReassembler.connections(in: records))
        var results: [CaseResult] = []
        if !extraction.problems.isEmpty || extraction.exchanges.isEmpty {
            // Nothing readable is a harness outcome (BROKEN); a partly readable capture is reported, not failed.
            let nothing = extraction.exchanges.isEmpty
            results.append(
                result(
                    id: "replay/capture/http", title: "read the capture's HTTP exchanges", options: options,
                    verdict: nothing ? .broken : .info, started: Date(),
                    expected: nil,
                    observed: "\(extraction.exchanges.count) exchanges read",
                    reason: nothing && extraction.problems.isEmpty
                        ? "the capture holds no HTTP/1.1 request"
                        : extraction.problems.map(\.description).joined(separator: "\n"),
                    wire: []))
        }
        let target: Target
        do { target = try Target(url: options.target) } catch {
            return results + [
                result(
                    id: "replay/setup/http-target", title: "parse --target", options: options, verdict: .broken,
                    started: Date(), expected: nil, observed: nil, reason: error.description, wire: [])
            ]
        }
        var session = ReplaySession(
            options: options, mask: mask, target: target,
            client: HTTPClient(target: target, insecure: options.insecure, timeoutScale: options.timeoutScale))
        let width = max(3, String(extraction.exchanges.count).count)
        let numbers = extraction.exchanges.indices.map {
            String(repeating: "0", count: max(0, width - String($0 + 1).count)) + String($0 + 1)
        }
        // One timeline over every exchange and every WebSocket message, so sessions that overlapped in the capture
        // (two room members, a REST call during a socket session) overlap in the replay too.
        var ordered: [CaseResult?] = Array(repeating: nil, count: extraction.exchanges.count)
        var sockets: [Int: WebSocketReplayState] = [:]
        for event in ReplayTimeline.events(extraction.exchanges) {
            for state in sockets.values { await session.drain(state, before: event.microseconds) }
            let exchange = extraction.exchanges[event.exchange]
            switch event.kind {
            case .http:
                ordered[event.exchange] = await session.replayHTTP(exchange, number: numbers[event.exchange])
            case .open:
                switch await session.openWebSocket(exchange, number: numbers[event.exchange]) {
                case .success(let state): sockets[event.exchange] = state
                case .failure(let result): ordered[event.exchange] = result.result
                }
            case .send(let message):
                if let state = sockets[event.exchange] { await session.send(message, on: state) }
            }
        }
        for state in sockets.values { await session.drain(state, before: .max) }
        for (index, state) in sockets { ordered[index] = await session.finish(state) }
        return results + ordered.compactMap { $0 }
    }

    /// `GET /api/v1/rooms/abc?x=1` → `api-v1-rooms-abc` (lower case, one dash between words, at most 48 chars).
    static func slug(_ target: String) -> String {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        var out = ""
        for scalar in path.lowercased().unicodeScalars {
            if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "root" : String(out.prefix(48))
    }

    static func result(
        id: String, title: String, options: HTTPReplayOptions, verdict: Verdict, started: Date, expected: String?,
        observed: String?, reason: String?, wire: [WireExchange]
    ) -> CaseResult {
        CaseResult(
            id: id, title: title, profile: "replay", severity: .must, reference: "capture \(options.captureName)",
            requirement: "the target answers the recorded request as the recording did (volatile fields masked)",
            verdict: verdict, durationMs: Date().timeIntervalSince(started) * 1000, attempts: 1,
            expected: expected, observed: observed, reason: reason, wire: wire)
    }
}
