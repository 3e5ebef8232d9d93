import Foundation

extension ReplaySession {
    /// Replays a recorded WebSocket session (RFC 6455): opens the same path, then walks the recorded timeline —
    /// before each message the client sent, the target must have sent as many messages as the recording shows
    /// the server sent by then; each is diffed with its recorded counterpart under the mask.
    mutating func replayWebSocket(_ exchange: CapturedHTTPExchange, number: String) async -> CaseResult {
        let started = Date()
        let recorded = exchange.request
        let id = "replay/ws/\(number)-\(HTTPReplay.slug(recorded.target))"
        let title = "WebSocket \(recorded.target.prefix(100))"
        let messages = (exchange.webSocketMessages ?? []).filter { $0.kind != .ping && $0.kind != .pong }
        let headers = request(for: recorded).headers
        let opened = await RoomSocketClient.open(
            target: target, path: substitute(recorded.target), insecure: options.insecure,
            timeoutScale: options.timeoutScale, headers: headers)
        let socket: RoomSocketClient
        switch opened {
        case .success(let value): socket = value
        case .failure(.notUpgraded(let status, _)):
            return HTTPReplay.result(
                id: id, title: title, options: options, verdict: .fail, started: started,
                expected: "101 Switching Protocols", observed: "upgrade answered \(status)", reason: nil, wire: [])
        case .failure(let error):
            return HTTPReplay.result(
                id: id, title: title, options: options, verdict: .broken, started: started,
                expected: "101 Switching Protocols", observed: nil, reason: error.description, wire: [])
        }
        let diff = ReplayDiff(mask: mask, recordedHost: recorded.header("host"), replayedHost: target.hostHeader)
        var lines: [String] = []
        var sent = 0
        var compared = 0
        var skippedBinary = 0
        for (index, message) in messages.enumerated() where lines.count < ReplayDiff.maxLines {
            if message.fromClient {
                switch message.kind {
                case .text:
                    await socket.send(text: substitute(String(decoding: message.payload, as: UTF8.self)))
                    sent += 1
                case .close:
                    await socket.sendClose(code: closeCode(message.payload) ?? 1000)
                default:
                    skippedBinary += 1 // the runner's socket client speaks text (the room protocol is JSON)
                }
                continue
            }
            guard let received = await socket.next(timeout: 5) else {
                lines.append("message \(index + 1) (server \(message.kind.rawValue)): nothing received within 5 s")
                break
            }
            compared += 1
            switch (message.kind, received) {
            case (.text, .text(let text)):
                let before = message.payload
                let after = Array(text.utf8)
                lines += diff.body(recorded: before, replayed: after).map { "message \(index + 1): \($0)" }
                if let a = try? JSONValue.parse(before), let b = try? JSONValue.parse(after) { learn(recorded: a, replayed: b) }
            case (.close, .closed(let code, _, _)):
                let expectedCode = closeCode(message.payload).map(Int.init)
                if expectedCode != code {
                    lines.append("message \(index + 1): close code recorded \(expectedCode.map(String.init) ?? "none"), replayed \(code.map(String.init) ?? "none")")
                }
            case (.binary, .binary):
                continue
            default:
                lines.append("message \(index + 1): recorded a \(message.kind.rawValue) message, replayed \(describe(received))")
            }
        }
        let transcript = socket.transcript
        await socket.close()
        let wire = WireExchange(
            request: .init(
                method: "GET", url: target.absoluteURL(recorded.target), headers: headers,
                body: transcript.joined(separator: "\n")),
            response: nil, error: nil, startedAt: started, durationMs: Date().timeIntervalSince(started) * 1000)
        let counts = "\(sent) client messages sent, \(compared) server messages compared"
            + (skippedBinary > 0 ? ", \(skippedBinary) binary client messages not replayed" : "")
        return HTTPReplay.result(
            id: id, title: title, options: options, verdict: lines.isEmpty ? .pass : .fail, started: started,
            expected: "the recorded \(messages.count) messages", observed: lines.isEmpty ? counts : (lines + [counts]).joined(separator: "\n"),
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
        case .closed(let code, _, let dropped): dropped ? "the connection dropped" : "close \(code.map(String.init) ?? "")"
        }
    }
}
