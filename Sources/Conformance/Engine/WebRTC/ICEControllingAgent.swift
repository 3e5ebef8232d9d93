import ParleyCrypto
import ParleyWire

/// ICE username fragment and password of one side (RFC 8445 §5.3).
public struct ICEParameters: Sendable, Hashable {
    public var ufrag: String
    public var pwd: String

    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }

    /// Fresh credentials: 4+ and 22+ characters from the ice-char set (RFC 8839 §5.4), here base64url.
    public static func random() -> ICEParameters {
        ICEParameters(ufrag: String(SecureRandom.token(byteCount: 6).prefix(8)), pwd: SecureRandom.token(byteCount: 18))
    }
}

/// Where the agent stands.
public enum ICEAgentState: Sendable, Hashable {
    case checking
    /// A pair answered; the nominating check (USE-CANDIDATE) is in flight.
    case nominating(STUNAddress)
    case connected(STUNAddress)
    case failed(String)
}

/// A full ICE agent in the controlling role for one component over one local host candidate (RFC 8445), the
/// client side of a WHIP/WHEP session. Sans-IO: `poll(now:)` says what to send, `handle(_:from:now:)` takes what
/// arrived; time is monotonic nanoseconds passed in.
///
/// Nomination is regular (§8.1.1): the first pair whose check succeeds is checked again with USE-CANDIDATE. After
/// that, consent is refreshed (RFC 7675 §5.1) every 4–6 s and lost 30 s after the last answer.
public final class ICEControllingAgent {
    public let local: ICEParameters
    public let remote: ICEParameters
    public let tieBreaker: UInt64
    public private(set) var state: ICEAgentState = .checking
    /// Remote candidates, highest priority first; only those of the local socket's address family.
    public let remoteCandidates: [STUNAddress]

    /// Checks are paced at Ta (§14.2); each transaction is retransmitted by sending a new check on the next tick.
    let pacing: UInt64 = 50_000_000
    let checkTimeout: UInt64
    let consentInterval: ClosedRange<UInt64> = 4_000_000_000...6_000_000_000
    let consentLifetime: UInt64 = 30_000_000_000
    var startedAt: UInt64?
    var nextSendAt: UInt64 = 0
    var nextCandidate = 0
    /// Outstanding transactions: id → (destination, nominating).
    var pending: [STUNTransactionID: (STUNAddress, Bool)] = [:]
    var pendingOrder: [STUNTransactionID] = []
    var lastConsentAt: UInt64 = 0
    var random: UInt64

    /// - Parameter checkTimeout: how long checks may go unanswered before the agent fails (nanoseconds).
    public init(
        local: ICEParameters, remote: ICEParameters, remoteCandidates: [STUNAddress], tieBreaker: UInt64? = nil,
        checkTimeout: UInt64 = 10_000_000_000
    ) {
        self.local = local
        self.remote = remote
        self.remoteCandidates = remoteCandidates
        let seed = tieBreaker ?? SecureRandom.bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
        self.tieBreaker = seed
        self.random = seed | 1
        self.checkTimeout = checkTimeout
        if remoteCandidates.isEmpty { state = .failed("the answer has no usable candidate") }
    }

    /// The selected remote address once nominated.
    public var selected: STUNAddress? {
        if case .connected(let address) = state { return address }
        return nil
    }

    /// PRIORITY of the peer-reflexive candidate this check could discover (§7.1.1, §5.1.2.1: type preference 110,
    /// one local candidate, component 1).
    public static let checkPriority: UInt32 = (110 << 24) | (65_535 << 8) | 255

    /// A connectivity check (§7.1.1): USERNAME "remote:local", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE when
    /// nominating, MESSAGE-INTEGRITY keyed with the remote password (RFC 8489 §14.5), FINGERPRINT (§14.7).
    public func checkRequest(transactionID: STUNTransactionID, nominate: Bool) -> [UInt8] {
        var attributes: [STUNAttribute] = [
            .username("\(remote.ufrag):\(local.ufrag)"), .priority(Self.checkPriority),
            .iceControlling(tieBreaker: tieBreaker),
        ]
        if nominate { attributes.append(.useCandidate) }
        let message = STUNMessage(type: .bindingRequest, transactionID: transactionID, attributes: attributes)
        return message.encode(integrityKey: STUNIntegrity.shortTermKey(password: remote.pwd), fingerprint: true)
    }

    /// What to send now, if anything.
    public func poll(now: UInt64) -> (bytes: [UInt8], to: STUNAddress)? {
        if startedAt == nil { startedAt = now }
        switch state {
        case .failed:
            return nil
        case .checking, .nominating:
            if let startedAt, now - startedAt > checkTimeout {
                state = .failed("no ICE check answered within \(checkTimeout / 1_000_000_000) s")
                return nil
            }
            guard now >= nextSendAt else { return nil }
            nextSendAt = now + pacing
            let destination: STUNAddress
            let nominate: Bool
            if case .nominating(let pair) = state {
                destination = pair
                nominate = true
            } else {
                destination = remoteCandidates[nextCandidate % remoteCandidates.count]
                nextCandidate += 1
                nominate = false
            }
            return (send(to: destination, nominate: nominate), destination)
        case .connected(let pair):
            if now - lastConsentAt > consentLifetime {
                state = .failed("consent lost: no answer to a consent check for 30 s (RFC 7675 §5.1)")
                return nil
            }
            guard now >= nextSendAt else { return nil }
            nextSendAt = now + nextConsentDelay()
            return (send(to: pair, nominate: false), pair)
        }
    }

    /// Takes one STUN datagram. Returns a response to send back (to `from`) for a valid request addressed to us.
    public func handle(_ bytes: [UInt8], from: STUNAddress, now: UInt64) -> [UInt8]? {
        guard let message = try? STUNMessage.parse(bytes) else { return nil }
        switch message.type {
        case .bindingRequest:
            return answer(message, from: from)
        case .bindingSuccess, .bindingError:
            handleResponse(message, from: from, now: now)
            return nil
        default:
            return nil
        }
    }

    // MARK: - internals

    func send(to destination: STUNAddress, nominate: Bool) -> [UInt8] {
        let id = STUNTransactionID.random()
        pending[id] = (destination, nominate)
        pendingOrder.append(id)
        // Answers older than the last 32 checks are ignored: they cannot change the outcome any more.
        if pendingOrder.count > 32 { pending[pendingOrder.removeFirst()] = nil }
        return checkRequest(transactionID: id, nominate: nominate)
    }

    /// §7.2.5: a response counts only for a transaction we sent, from the address we sent it to (symmetry),
    /// with MESSAGE-INTEGRITY under the remote password and a correct FINGERPRINT when present.
    func handleResponse(_ message: STUNMessage, from: STUNAddress, now: UInt64) {
        guard let (destination, nominating) = pending[message.transactionID], destination == from,
            message.hasMessageIntegrity,
            message.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: remote.pwd)),
            !message.hasFingerprint || message.verifyFingerprint()
        else { return }
        pending[message.transactionID] = nil
        if message.type == .bindingError {
            let code = message.errorCode.map { "\($0.code) \($0.reason)" } ?? "no ERROR-CODE"
            state = .failed("ICE check refused: \(code)")
            return
        }
        lastConsentAt = now
        switch state {
        case .checking:
            state = .nominating(from)
            nextSendAt = now
        case .nominating(let pair) where nominating && pair == from:
            state = .connected(pair)
            nextSendAt = now + nextConsentDelay()
        default:
            break
        }
    }

    /// Answers a full peer's own checks (§7.3): USERNAME must be "local:remote" and MESSAGE-INTEGRITY keyed with
    /// the local password; the success response carries XOR-MAPPED-ADDRESS of the source.
    func answer(_ request: STUNMessage, from: STUNAddress) -> [UInt8]? {
        let key = STUNIntegrity.shortTermKey(password: local.pwd)
        guard request.username == "\(local.ufrag):\(remote.ufrag)", request.hasMessageIntegrity,
            request.verifyMessageIntegrity(key: key), !request.hasFingerprint || request.verifyFingerprint()
        else { return nil }
        let response = STUNMessage(
            type: .bindingSuccess, transactionID: request.transactionID, attributes: [.xorMappedAddress(from)])
        return response.encode(integrityKey: key, fingerprint: true)
    }

    /// RFC 7675 §5.1: uniformly random in 0.8–1.2 × 5 s so clients do not synchronise.
    func nextConsentDelay() -> UInt64 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        let span = consentInterval.upperBound - consentInterval.lowerBound
        return consentInterval.lowerBound + random % span
    }
}
