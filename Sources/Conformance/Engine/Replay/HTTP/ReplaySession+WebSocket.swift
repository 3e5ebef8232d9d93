import Foundation

/// One WebSocket session being replayed: the socket, the server messages the recording expects in order, and
/// what differed so far. A class because the timeline drives several at once.
final class WebSocketReplayState {
    let id: String
    let title: String
    let started: Date
    let exchange: CapturedHTTPExchange
    let headers: [HeaderField]
    let socket: RoomSocketClient
    let expected: [CapturedWebSocketMessage]
    var cursor = 0
    var lines: [String] = []
    var sent = 0
    var skippedBinary = 0
    /// Set when an expected message did not come: later ones are not waited for (each would time out too).
    var stalled = false

    init(
        id: String, title: String, started: Date, exchange: CapturedHTTPExchange, headers: [HeaderField],
        socket: RoomSocketClient
    ) {
        self.id = id
        self.title = title
        self.started = started
        self.exchange = exchange
        self.headers = headers
        self.socket = socket
        expected = (exchange.webSocketMessages ?? []).filter { !$0.fromClient && $0.kind != .ping && $0.kind != .pong }
    }
}

/// A socket that could not be opened: its case is already decided.
struct WebSocketOpenFailure: Error {
    var result: CaseResult
}

extension ReplaySession {
    /// Opens the recorded path (RFC 6455 §4.1); a refused upgrade is FAIL, a network failure BROKEN.
    func openWebSocket(_ exchange: CapturedHTTPExchange, number: String) async
        -> Result<WebSocketReplayState, WebSocketOpenFailure>
    {
        let started = Date()
        let recorded = exchange.request
        let id = "replay/ws/\(number)-\(HTTPReplay.slug(recorded.target))"
        let title = "WebSocket \(recorded.target.prefix(100))"
        let headers = request(for: recorded).headers
        let opened = await RoomSocketClient.open(
            target: target, path: substitute(recorded.target), insecure: options.insecure,
            timeoutScale: options.timeoutScale, headers: headers)
        switch opened {
        case .success(let socket):
            return .success(
                WebSocketReplayState(
                    id: id, title: title, started: started, exchange: exchange, headers: headers, socket: socket))
        case .failure(.notUpgraded(let status, _)):
            return .failure(
                WebSocketOpenFailure(
                    result: HTTPReplay.result(
                        id: id, title: title, options: options, verdict: .fail, started: started,
                        expected: "101 Switching Protocols", observed: "upgrade answered \(status)", reason: nil,
                        wire: [])))
        case .failure(let error):
            return .failure(
                WebSocketOpenFailure(
                    result: HTTPReplay.result(
                        id: id, title: title, options: options, verdict: .broken, started: started,
                        expected: "101 Switching Protocols", observed: nil, reason: error.description, wire: [])))
        }
    }

    /// Sends one recorded client message (text and close; the runner's socket client speaks text, as the room
    /// protocol does, so binary messages are counted, not sent).
    mutating func send(_ message: CapturedWebSocketMessage, on state: WebSocketReplayState) async {
        switch message.kind {
        case .text:
            await state.socket.send(text: substitute(String(decoding: message.payload, as: UTF8.self)))
            state.sent += 1
        case .close:
            await state.socket.sendClose(code: closeCode(message.payload) ?? 1000)
        default:
            state.skippedBinary += 1
        }
    }

    /// Receives and compares every server message the recording shows before `microseconds` (5 s each, scaled).
    mutating func drain(_ state: WebSocketReplayState, before microseconds: Int64) async {
        let diff = ReplayDiff(
            mask: mask, recordedHost: state.exchange.request.header("host"), replayedHost: target.hostHeader)
        while !state.stalled, state.cursor < state.expected.count,
            state.expected[state.cursor].microseconds < microseconds, state.lines.count < ReplayDiff.maxLines
        {
            let message = state.expected[state.cursor]
            state.cursor += 1
            guard let received = await state.socket.next(timeout: 5) else {
                state.lines.append(
                    "server message \(state.cursor) (\(message.kind.rawValue)): nothing received within 5 s")
                state.stalled = true
                return
            }
            switch (message.kind, received) {
            case (.text, .text(let text)):
                let after = Array(text.utf8)
                state.lines += diff.body(recorded: message.payload, replayed: after).map {
                    "server message \(state.cursor): \($0)"
                }
                if let a = try? JSONValue.parse(message.payload), let b = try? JSONValue.parse(after) {
                    learn(recorded: a, replayed: b)
                }
            case (.close, .closed(let code, _, _)):
                let expectedCode = closeCode(message.payload).map(Int.init)
                if expectedCode != code {
                    state.lines.append(
                        "server message \(state.cursor): close code recorded \(expectedCode.map(String.init) ?? "none"), replayed \(code.map(String.init) ?? "none")"
                    )
                }
            case (.binary, .binary):
                continue
            default:
                state.lines.append(
                    "server message \(state.cursor): recorded a \(message.kind.rawValue) message, replayed \(describe(received))"
                )
            }
        }
    }

    /// Closes the socket and turns what was seen into the session's case.
    func finish(_ state: WebSocketReplayState) async -> CaseResult {
        let transcript = state.socket.transcript
        await state.socket.close()
        let recorded = state.exchange.request
        let wire = WireExchange(
            request: .init(
                method: "GET", url: target.absoluteURL(recorded.target), headers: state.headers,
                body: transcript.joined(separator: "\n")),
            response: nil, error: nil, startedAt: state.started,
            durationMs: Date().timeIntervalSince(state.started) * 1000)
        let counts =
            "\(state.sent) client messages sent, \(state.cursor) of \(state.expected.count) server messages compared"
            + (state.skippedBinary > 0 ? ", \(state.skippedBinary) binary client messages not replayed" : "")
        return HTTPReplay.result(
            id: state.id, title: state.title, options: options, verdict: state.lines.isEmpty ? .pass : .fail,
            started: state.started, expected: "the recorded \(state.expected.count) server messages",
            observed: state.lines.isEmpty ? counts : (state.lines + [counts]).joined(separator: "\n"),
            reason: nil, wire: [wire])
    }

    /// RFC 6455 §5.5.1: a close body starts with a 2-byte status code.
    private func closeCode(_ payload: [UInt8]) -> UInt16? {
        payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
    }

    private func describe(_ message: SocketMessage) -> String {
        switch message {
        case .text(let text): "text \"\(text.prefix(80))\""
        case .binary(let count): "binary (\(count) bytes)"
        case .closed(let code, _, let dropped):
            dropped ? "the connection dropped" : "close \(code.map(String.init) ?? "")"
        }
    }
}
