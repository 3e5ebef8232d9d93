import NIOCore

/// When an HTTP/1 connection closes on its own: after `idleTimeout` with no request in progress and nothing
/// read, and on graceful shutdown once the requests in progress are answered. The rules of Hummingbird's
/// connection state handler, which ``HTTPConnectionStateTracker`` replaces when answers can also be given in front
/// of the HTTP codec (``ImmediateFrontHandler``): those requests count as activity (``answeredInFront(now:)``)
/// without ever being in progress, since each is read and answered within one event-loop turn.
///
/// Sans-IO: time comes in as `now`, timers and closes go out as actions.
struct HTTPConnectionLifecycle {
    enum Action: Equatable {
        case none
        case scheduleTimeout(NIODeadline)
        case close
    }

    let idleTimeout: TimeAmount?
    private(set) var requestsInProgress = 0
    private(set) var isReadingRequest = false
    private(set) var isActive = false
    private(set) var closesAfterResponse = false
    private var lastActivity: NIODeadline

    init(idleTimeout: TimeAmount?, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        self.lastActivity = now
    }

    /// No request in progress and no shutdown under way: an answer given now comes in order.
    var canAnswerInFront: Bool { isActive && requestsInProgress == 0 && !closesAfterResponse }

    mutating func becameActive(now: NIODeadline) -> Action {
        isActive = true
        guard let idleTimeout else { return .none }
        return .scheduleTimeout(now + idleTimeout)
    }

    mutating func becameInactive() { isActive = false }

    enum RequestPart { case head, body, end }

    mutating func read(_ part: RequestPart, now: NIODeadline) {
        lastActivity = now
        switch part {
        case .head:
            isReadingRequest = true
            requestsInProgress += 1
        case .body:
            break
        case .end:
            isReadingRequest = false
        }
    }

    /// A response's end was written.
    mutating func wroteResponseEnd(now: NIODeadline) -> Action {
        requestsInProgress -= 1
        guard requestsInProgress == 0 else { return .none }
        if closesAfterResponse { return .close }
        guard let idleTimeout, isActive else { return .none }
        lastActivity = now
        return .scheduleTimeout(now + idleTimeout)
    }

    mutating func answeredInFront(now: NIODeadline) { lastActivity = now }

    mutating func timeoutFired(now: NIODeadline) -> Action {
        guard let idleTimeout, isActive else { return .none }
        // A request read and still being answered: its response's end re-arms the timer.
        if !isReadingRequest, requestsInProgress > 0 { return .none }
        let deadline = lastActivity + idleTimeout
        return now >= deadline ? .close : .scheduleTimeout(deadline)
    }

    /// Graceful shutdown (`ChannelShouldQuiesceEvent`).
    mutating func quiesce() -> Action {
        guard requestsInProgress > 0 else { return .close }
        closesAfterResponse = true
        return .none
    }
}
