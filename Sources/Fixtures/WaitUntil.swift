/// A condition awaited by ``waitUntil(_:timeout:poll:_:)`` that did not hold in time. Thrown, so the test that
/// waited fails at that line instead of going on to check a state that never came.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let description: String
}

/// Polls `condition` until it holds; throws ``WaitTimedOut`` naming `what` after `timeout`.
///
/// The timeout is generous (suites share a loaded 2-core machine); a passing test returns as soon as the condition
/// holds, so the bound costs nothing when things work.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(10), poll: Duration = .milliseconds(2),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while try await !condition() {
        guard clock.now < deadline else { throw WaitTimedOut(description: "timed out after \(timeout): \(what)") }
        try await Task.sleep(for: poll)
    }
}
