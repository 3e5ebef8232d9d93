/// Reads HTTP/1.1 exchanges (and WebSocket sessions after a 101) out of reassembled TCP connections.
/// Requests and responses pair in order on each connection, which covers keep-alive and pipelining
/// (RFC 9112 §9.3.2). A connection that cannot be read is reported as a problem, never a crash.
public enum HTTPCaptureExtractor {
    public struct Problem: Sendable, CustomStringConvertible {
        public var connection: Int
        public var client: String
        public var server: String
        public var message: String
        public var description: String { "connection \(connection + 1) \(client) → \(server): \(message)" }
    }

    public struct Extraction: Sendable {
        public var exchanges: [CapturedHTTPExchange]
        public var problems: [Problem]
    }

    static let methods: Set<String> = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    ]

    /// Every exchange of every connection, ordered by the capture time of the request's first byte.
    public static func extract(_ connections: [TCPConnection]) -> Extraction {
        var exchanges: [CapturedHTTPExchange] = []
        var problems: [Problem] = []
        for (index, original) in connections.enumerated() {
            var connection = original
            if !connection.rolesFromHandshake && looksLikeRequest(connection.serverToClient.bytes)
                && !looksLikeRequest(connection.clientToServer.bytes)
            {
                connection.swapRoles()
            }
            guard !connection.clientToServer.bytes.isEmpty, looksLikeRequest(connection.clientToServer.bytes)
            else { continue } // not HTTP (or no data): other protocols in the capture are not ours
            let found = extract(connection, index: index)
            exchanges += found.exchanges
            problems += found.problems.map {
                Problem(
                    connection: index, client: connection.client.description,
                    server: connection.server.description, message: $0)
            }
        }
        // Stable: exchanges of one connection keep their order even at equal timestamps.
        let ordered = exchanges.enumerated().sorted {
            ($0.element.request.microseconds, $0.offset) < ($1.element.request.microseconds, $1.offset)
        }
        return Extraction(exchanges: ordered.map(\.element), problems: problems)
    }

    static func looksLikeRequest(_ bytes: [UInt8]) -> Bool {
        guard let space = bytes.prefix(8).firstIndex(of: 32) else { return false }
        return methods.contains(String(decoding: bytes[..<space], as: UTF8.self))
    }

    private static func extract(_ connection: TCPConnection, index: Int)
        -> (exchanges: [CapturedHTTPExchange], problems: [String])
    {
        let upstream = connection.clientToServer
        let downstream = connection.serverToClient
        let client = upstream.bytes
        let server = downstream.bytes
        var exchanges: [CapturedHTTPExchange] = []
        var problems: [String] = []
        var requestAt = 0
        var responseAt = 0
        do {
            while requestAt < client.count {
                // Bytes lost right before a request may have held whole messages: what follows cannot be paired.
                if let gap = upstream.gaps.first(where: { $0.offset == requestAt }) {
                    problems.append("client stream has a \(gap.length)-byte gap before byte \(gap.offset)")
                    break
                }
                guard let head = try HTTPCaptureFraming.head(in: client, at: requestAt) else {
                    problems.append(
                        gapAfter(requestAt, in: upstream)
                            ?? "the capture ends inside a request head at client byte \(requestAt)")
                    break
                }
                guard methods.contains(head.parts[0]), head.parts.count == 3, head.parts[2].hasPrefix("HTTP/1.") else {
                    throw HTTPCaptureFraming.Failure(
                        offset: requestAt,
                        message: "not an HTTP/1.x request line \"\(head.parts.joined(separator: " ").prefix(80))\"")
                }
                let length = try HTTPCaptureFraming.bodyLength(head.headers, isRequest: true, at: requestAt)
                guard
                    let (body, next) = try HTTPCaptureFraming.body(
                        length, in: client, at: head.bodyStart, streamEnded: true)
                else {
                    problems.append(
                        gapAfter(requestAt, in: upstream)
                            ?? "the capture ends inside a request body at client byte \(head.bodyStart)")
                    break
                }
                if let gap = upstream.gaps.first(where: { $0.offset > requestAt && $0.offset < next }) {
                    problems.append(
                        "request at client byte \(requestAt) spans a \(gap.length)-byte gap in the capture")
                    break
                }
                let request = CapturedHTTPRequest(
                    method: head.parts[0], target: head.parts[1], headers: head.headers, body: body,
                    microseconds: upstream.arrivalTime(ofByteAt: requestAt) ?? connection.firstSeen)
                requestAt = next
                var exchange = CapturedHTTPExchange(
                    connection: index, request: request, response: nil, webSocketMessages: nil)
                guard
                    let (response, afterResponse) = try response(
                        in: server, at: &responseAt, to: request, stream: downstream)
                else {
                    exchanges.append(exchange)
                    break
                }
                exchange.response = response
                if response.status == 101 && request.isWebSocketUpgrade {
                    // RFC 6455 §4.2.2: after the 101 both directions carry frames.
                    let sent = try WebSocketCaptureFraming.messages(
                        in: client, from: requestAt, fromClient: true,
                        arrival: { upstream.arrivalTime(ofByteAt: $0) ?? request.microseconds })
                    let received = try WebSocketCaptureFraming.messages(
                        in: server, from: afterResponse, fromClient: false,
                        arrival: { downstream.arrivalTime(ofByteAt: $0) ?? response.microseconds })
                    exchange.webSocketMessages = (sent + received).enumerated().sorted {
                        ($0.element.microseconds, $0.offset) < ($1.element.microseconds, $1.offset)
                    }.map(\.element)
                    exchanges.append(exchange)
                    return (exchanges, problems)
                }
                exchanges.append(exchange)
                responseAt = afterResponse
            }
        } catch let failure as HTTPCaptureFraming.Failure {
            problems.append(failure.description)
        } catch {
            problems.append("\(error)")
        }
        if upstream.droppedBytes > 0 || downstream.droppedBytes > 0 {
            problems.append(
                "\(upstream.droppedBytes + downstream.droppedBytes) bytes dropped by the reassembly limits")
        }
        return (exchanges, problems)
    }

    /// The response at `offset` for `request`, skipping interim 1xx responses other than 101 (RFC 9110 §15.2).
    /// Names the first gap after `offset`: a message cut short there was cut by the capture, not by the sender.
    private static func gapAfter(_ offset: Int, in stream: TCPDirectionStream) -> String? {
        stream.gaps.first { $0.offset > offset }.map {
            "request at client byte \(offset) spans a \($0.length)-byte gap in the capture"
        }
    }

    /// A body framed by the connection's close ends at the end of the capture (the capture's end closes it).
    private static func response(
        in server: [UInt8], at offset: inout Int, to request: CapturedHTTPRequest, stream: TCPDirectionStream
    ) throws(HTTPCaptureFraming.Failure) -> (CapturedHTTPResponse, Int)? {
        while true {
            let start = offset
            guard start < server.count, let head = try HTTPCaptureFraming.head(in: server, at: start) else {
                return nil
            }
            guard head.parts.count >= 2, head.parts[0].hasPrefix("HTTP/1."), let status = Int(head.parts[1]),
                (100...999).contains(status)
            else {
                throw HTTPCaptureFraming.Failure(
                    offset: start,
                    message: "not an HTTP/1.x status line \"\(head.parts.joined(separator: " ").prefix(80))\"")
            }
            if (100..<200).contains(status) && status != 101 {
                offset = head.bodyStart
                continue
            }
            let length: HTTPCaptureFraming.BodyLength =
                request.method == "HEAD" || status == 101 || status == 204 || status == 304
                ? .none : try HTTPCaptureFraming.bodyLength(head.headers, isRequest: false, at: start)
            guard
                let (body, next) = try HTTPCaptureFraming.body(
                    length, in: server, at: head.bodyStart, streamEnded: true)
            else { return nil }
            if let gap = stream.gaps.first(where: { $0.offset > start && $0.offset < next }) {
                throw HTTPCaptureFraming.Failure(
                    offset: start, message: "response spans a \(gap.length)-byte gap in the capture")
            }
            offset = next
            return (
                CapturedHTTPResponse(
                    status: status, reason: head.parts.count > 2 ? head.parts[2] : "", headers: head.headers,
                    body: body, microseconds: stream.arrivalTime(ofByteAt: start) ?? request.microseconds),
                next
            )
        }
    }
}
