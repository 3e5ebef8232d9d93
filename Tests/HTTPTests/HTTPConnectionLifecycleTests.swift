import NIOCore
import Testing

@testable import ParleyHTTP

/// The connection rules ``HTTPConnectionStateTracker`` applies in place of Hummingbird's state handler: idle
/// timeout, close on graceful shutdown, and answers given in front of the codec counted as activity.
@Suite("HTTP/1 connection lifecycle")
struct HTTPConnectionLifecycleTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let timeout = TimeAmount.seconds(75)

    static func active() -> HTTPConnectionLifecycle {
        var lifecycle = HTTPConnectionLifecycle(idleTimeout: timeout, now: start)
        #expect(lifecycle.becameActive(now: start) == .scheduleTimeout(start + timeout))
        return lifecycle
    }

    @Test("an idle connection closes at its deadline, not before")
    func idle() {
        var lifecycle = Self.active()
        #expect(lifecycle.timeoutFired(now: Self.start + .seconds(74)) == .scheduleTimeout(Self.start + Self.timeout))
        #expect(lifecycle.timeoutFired(now: Self.start + Self.timeout) == .close)
    }

    @Test("a request in progress holds the connection open; its answer re-arms the timer")
    func inProgress() {
        var lifecycle = Self.active()
        lifecycle.read(.head, now: Self.start + .seconds(1))
        lifecycle.read(.end, now: Self.start + .seconds(1))
        #expect(!lifecycle.canAnswerInFront)
        #expect(lifecycle.timeoutFired(now: Self.start + .seconds(200)) == .none)
        let answered = Self.start + .seconds(201)
        #expect(lifecycle.wroteResponseEnd(now: answered) == .scheduleTimeout(answered + Self.timeout))
        #expect(lifecycle.canAnswerInFront)
    }

    @Test("a client that stalls inside a request is timed out")
    func stalledRead() {
        var lifecycle = Self.active()
        lifecycle.read(.head, now: Self.start + .seconds(1))
        #expect(lifecycle.timeoutFired(now: Self.start + .seconds(76)) == .close)
    }

    @Test("answers given in front of the codec keep a busy connection open")
    func answeredInFront() {
        var lifecycle = Self.active()
        lifecycle.answeredInFront(now: Self.start + .seconds(70))
        #expect(
            lifecycle.timeoutFired(now: Self.start + Self.timeout)
                == .scheduleTimeout(Self.start + .seconds(70) + Self.timeout))
        #expect(lifecycle.timeoutFired(now: Self.start + .seconds(145)) == .close)
    }

    @Test("graceful shutdown: an idle connection closes at once, a busy one after its last answer")
    func quiesce() {
        var idle = Self.active()
        #expect(idle.quiesce() == .close)

        var busy = Self.active()
        busy.read(.head, now: Self.start)
        busy.read(.head, now: Self.start)
        #expect(busy.quiesce() == .none)
        #expect(!busy.canAnswerInFront)
        #expect(busy.wroteResponseEnd(now: Self.start) == .none)
        #expect(busy.wroteResponseEnd(now: Self.start) == .close)
    }

    @Test("without an idle timeout nothing is scheduled; an inactive connection answers nothing in front")
    func noTimeout() {
        var lifecycle = HTTPConnectionLifecycle(idleTimeout: nil, now: Self.start)
        #expect(!lifecycle.canAnswerInFront)
        #expect(lifecycle.becameActive(now: Self.start) == .none)
        #expect(lifecycle.canAnswerInFront)
        #expect(lifecycle.timeoutFired(now: Self.start + .hours(10)) == .none)
        lifecycle.becameInactive()
        #expect(!lifecycle.canAnswerInFront)
    }
}
