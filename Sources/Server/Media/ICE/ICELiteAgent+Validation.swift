import ParleyWire

extension ICELiteAgent {
    enum Verdict {
        /// Not answered at all (RFC 8489 §7.3: a bad FINGERPRINT means "not STUN").
        case drop
        case reject(STUNErrorCode, authenticated: Bool)
        case accept
    }

    /// RFC 8489 §6.3 / §9.1.3 and RFC 8445 §7.3, in the order the checks are specified.
    func validate(_ message: STUNMessage) -> Verdict {
        if message.hasFingerprint, !message.verifyFingerprint() { return .drop }
        let unknown = message.unknownComprehensionRequired
        if !unknown.isEmpty {
            return .reject(STUNErrorCode(code: 420, reason: "Unknown Attribute"), authenticated: false)
        }
        // RFC 8445 §7.2.2 requires USERNAME, MESSAGE-INTEGRITY, PRIORITY and FINGERPRINT on every check;
        // mediasoup answers 400 when one is missing.
        guard let username = message.username, message.hasMessageIntegrity, message.priority != nil,
            message.hasFingerprint
        else {
            return .reject(.badRequest, authenticated: false)
        }
        // RFC 8445 §7.3: USERNAME is "<our ufrag>:<their ufrag>"; RFC 8489 §9.1.3: an unknown one is 401.
        let parts = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == localCredentials.ufrag,
            remoteUfrag.map({ parts[1] == $0 }) ?? true
        else {
            return .reject(.unauthorized, authenticated: false)
        }
        guard message.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: localCredentials.pwd)) else {
            return .reject(.unauthorized, authenticated: false)
        }
        // RFC 8445 §7.3.1.1: a lite agent is always controlled, so a peer that also claims controlled conflicts.
        if message.iceControlled != nil { return .reject(.roleConflict, authenticated: true) }
        return .accept
    }

    /// RFC 8445 §7.3.1.4 / RFC 8489 §7.3.1: XOR-MAPPED-ADDRESS of the source, MESSAGE-INTEGRITY with our password,
    /// FINGERPRINT; same transaction id.
    func respondSuccess(to request: STUNMessage, destination: STUNAddress) {
        let response = STUNMessage(
            type: .bindingSuccess, transactionID: request.transactionID,
            attributes: [.xorMappedAddress(destination)])
        let key = STUNIntegrity.shortTermKey(password: localCredentials.pwd)
        outbox.append(
            ICETransmit(
                bytes: response.encode(integrityKey: key, fingerprint: true),
                destination: destination))
    }

    /// RFC 8489 §6.3.1.1: an error response; integrity-protected only when the request was authenticated.
    func respondError(to request: STUNMessage, _ error: STUNErrorCode, authenticated: Bool, destination: STUNAddress) {
        var attributes: [STUNAttribute] = [.errorCode(error)]
        if error.code == 420 { attributes.append(.unknownAttributes(request.unknownComprehensionRequired)) }
        let response = STUNMessage(type: .bindingError, transactionID: request.transactionID, attributes: attributes)
        let key = authenticated ? STUNIntegrity.shortTermKey(password: localCredentials.pwd) : nil
        outbox.append(
            ICETransmit(
                bytes: response.encode(integrityKey: key, fingerprint: true),
                destination: destination))
    }
}
