import Foundation

/// Monibuca tokens this process has already verified, by their exact text, so a client that sends the same token
/// on every request pays for the HMAC and the two JSON parses once. Only tokens whose signature and claims checked
/// out are kept (the secret is fixed for the process, so the same text verifies the same way again); the time
/// checks still run on every request. Bounded: when full it starts over.
final class VerifiedTokenCache: @unchecked Sendable {
    // Guards `entries`.
    private let lock = NSLock()
    private var entries: [String: MonibucaClaims] = [:]
    let capacity: Int

    init(capacity: Int = 1024) { self.capacity = capacity }

    func claims(for token: String) -> MonibucaClaims? {
        lock.withLock { entries[token] }
    }

    func remember(_ token: String, _ claims: MonibucaClaims) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }
}
