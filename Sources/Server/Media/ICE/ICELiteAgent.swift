import ParleyWire

/// A datagram the agent wants sent, and where to.
public struct ICETransmit: Sendable, Hashable {
    public var bytes: [UInt8]
    public var destination: STUNAddress

    public init(bytes: [UInt8], destination: STUNAddress) {
        self.bytes = bytes
        self.destination = destination
    }
}

/// What a request or a timeout changed.
public enum ICEEvent: Sendable, Hashable {
    /// A first authenticated check arrived from this remote address: DTLS may start on it (Chrome sends its
    /// ClientHello before it nominates, docs/interop.md §2).
    case validated(STUNAddress)
    /// Media now goes to this address (first valid check, then each USE-CANDIDATE on another one).
    case selected(STUNAddress)
    /// No authenticated check for the consent timeout: the peer is gone (RFC 7675 §5.1).
    case consentExpired
}

public enum ICEState: Sendable, Hashable {
    /// No authenticated check yet.
    case waiting
    case connected
    /// Consent expired; nothing is answered any more.
    case failed
}

/// An ICE-lite agent (RFC 8445 §2.5): it never sends checks, only answers the full agent's Binding requests,
/// always in the controlled role, and keeps a remote address only while checks keep arriving (RFC 7675).
///
/// Consent is per candidate pair (RFC 7675 §5.1): each remote address has consent only while its own
/// authenticated checks arrive within `consentTimeout`. Media goes to the selected address only while it has
/// consent; when it loses it, media moves to the most recently checked address that still has consent, and the
/// agent fails when none does. A check whose transaction was already seen from another address is a replay (a
/// retransmission comes from the same address, RFC 8489 §6.2.1) and is dropped, so replaying a captured
/// nomination from a spoofed source neither selects that address nor refreshes its consent.
///
/// Sans-IO: `handle(stun:from:now:)` takes a datagram the caller classified as STUN (RFC 7983), responses are on
/// `pollOutput()`, and `handleTimeout(now:)` must run once `pollTimeout()` is reached. Not thread-safe.
public final class ICELiteAgent {
    public private(set) var localCredentials: ICECredentials
    /// The peer's ufrag from its SDP; when known, USERNAME must name it too.
    public private(set) var remoteUfrag: String?
    /// RFC 7675 §5.1: consent expires 30 s after the last authenticated check (mediasoup's default; aioice checks
    /// every ~5 s, Chrome every ~2.5 s).
    public let consentTimeout: Duration
    public private(set) var state: ICEState = .waiting
    /// Where media goes: the nominated (or, before nomination, first validated) remote address, while it has
    /// consent.
    public private(set) var selectedAddress: STUNAddress?
    /// Every remote address with consent, with when its last authenticated check arrived.
    public private(set) var validatedAddresses: [STUNAddress: MediaTime] = [:]
    /// The last authenticated check from any address, or creation time before any.
    public private(set) var lastConsent: MediaTime

    /// A peer has a handful of candidates; beyond this many addresses the least recently checked one is forgotten.
    public static let maxValidatedAddresses = 16
    /// How many recent transactions are remembered for replay detection (a few seconds of checks).
    static let recentTransactionCapacity = 32

    var outbox: [ICETransmit] = []
    var recentTransactions: [(id: STUNTransactionID, source: STUNAddress)] = []
    var recentTransactionNext = 0

    public init(
        localCredentials: ICECredentials, remoteUfrag: String?, now: MediaTime,
        consentTimeout: Duration = .seconds(30)
    ) {
        self.localCredentials = localCredentials
        self.remoteUfrag = remoteUfrag
        self.consentTimeout = consentTimeout
        self.lastConsent = now
    }

    public func pollOutput() -> ICETransmit? {
        outbox.isEmpty ? nil : outbox.removeFirst()
    }

    /// When the next address's consent runs out (or, before any check, the agent's); nil once failed.
    public func pollTimeout() -> MediaTime? {
        guard state != .failed else { return nil }
        guard let oldest = validatedAddresses.values.min() else { return lastConsent + consentTimeout }
        return oldest + consentTimeout
    }

    /// Drops every address whose consent ran out; re-selects or fails when the selected one was among them.
    public func handleTimeout(now: MediaTime) -> [ICEEvent] {
        guard state != .failed else { return [] }
        if validatedAddresses.isEmpty {
            guard now >= lastConsent + consentTimeout else { return [] }
            return fail()
        }
        validatedAddresses = validatedAddresses.filter { now < $0.value + consentTimeout }
        guard let freshest = validatedAddresses.max(by: { $0.value < $1.value })?.key else { return fail() }
        if let selected = selectedAddress, validatedAddresses[selected] != nil { return [] }
        selectedAddress = freshest
        return [.selected(freshest)]
    }

    func fail() -> [ICEEvent] {
        state = .failed
        selectedAddress = nil
        validatedAddresses.removeAll()
        return [.consentExpired]
    }

    /// True while `address` has consent: only its DTLS and SRTP are accepted.
    public func isValidated(_ address: STUNAddress) -> Bool { validatedAddresses[address] != nil }

    /// ICE restart (RFC 8445 §9, RFC 9725 §4.4.1.1): new local credentials and the peer's new ufrag. Validated
    /// addresses stay usable until the peer's checks with the new credentials take over.
    public func restart(localCredentials: ICECredentials, remoteUfrag: String?) {
        self.localCredentials = localCredentials
        self.remoteUfrag = remoteUfrag
    }

    /// Processes one STUN datagram from `source`.
    @discardableResult
    public func handle(stun datagram: [UInt8], from source: STUNAddress, now: MediaTime) -> [ICEEvent] {
        guard state != .failed, let message = try? STUNMessage.parse(datagram) else { return [] }
        // A lite agent sends no requests, so responses are not ours; indications carry no consent (RFC 7675 §4).
        guard message.type == .bindingRequest else { return [] }
        switch validate(message) {
        case .drop:
            return []
        case .reject(let error, let authenticated):
            respondError(to: message, error, authenticated: authenticated, destination: source)
            return []
        case .accept:
            guard !isReplay(message.transactionID, from: source) else { return [] }
            respondSuccess(to: message, destination: source)
            return accept(message, from: source, now: now)
        }
    }

    /// True when `id` was already seen from another address; otherwise remembers it for `source`.
    func isReplay(_ id: STUNTransactionID, from source: STUNAddress) -> Bool {
        if let seen = recentTransactions.first(where: { $0.id == id }) { return seen.source != source }
        if recentTransactions.count < Self.recentTransactionCapacity {
            recentTransactions.append((id, source))
        } else {
            recentTransactions[recentTransactionNext] = (id, source)
        }
        recentTransactionNext = (recentTransactionNext + 1) % Self.recentTransactionCapacity
        return false
    }

    func accept(_ message: STUNMessage, from source: STUNAddress, now: MediaTime) -> [ICEEvent] {
        var events: [ICEEvent] = []
        if validatedAddresses[source] == nil {
            events.append(.validated(source))
            if validatedAddresses.count >= Self.maxValidatedAddresses,
                let stalest = validatedAddresses.filter({ $0.key != selectedAddress }).min(by: { $0.value < $1.value })
            {
                validatedAddresses[stalest.key] = nil
            }
        }
        validatedAddresses[source] = now
        lastConsent = now
        state = .connected
        // RFC 8445 §7.3.1.5: the controlling agent's USE-CANDIDATE nominates the pair; before any nomination the
        // first valid pair carries media (mediasoup and str0m do the same).
        if selectedAddress == nil || (message.hasUseCandidate && selectedAddress != source) {
            selectedAddress = source
            events.append(.selected(source))
        }
        return events
    }
}
