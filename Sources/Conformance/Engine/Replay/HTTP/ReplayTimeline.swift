/// The order in which a replay acts: each HTTP exchange and each WebSocket open at its request's capture time,
/// each client WebSocket message at its own; ties keep capture order.
enum ReplayTimeline {
    struct Event {
        enum Kind {
            case http
            case open
            case send(CapturedWebSocketMessage)
        }
        var microseconds: Int64
        var exchange: Int
        var kind: Kind
    }

    static func events(_ exchanges: [CapturedHTTPExchange]) -> [Event] {
        var events: [Event] = []
        for (index, exchange) in exchanges.enumerated() {
            guard let messages = exchange.webSocketMessages else {
                events.append(Event(microseconds: exchange.request.microseconds, exchange: index, kind: .http))
                continue
            }
            events.append(Event(microseconds: exchange.request.microseconds, exchange: index, kind: .open))
            for message in messages where message.fromClient && message.kind != .ping && message.kind != .pong {
                events.append(Event(microseconds: message.microseconds, exchange: index, kind: .send(message)))
            }
        }
        return events.enumerated().sorted {
            ($0.element.microseconds, $0.offset) < ($1.element.microseconds, $1.offset)
        }.map(\.element)
    }
}
