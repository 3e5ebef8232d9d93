extension STUNMessage {
    public var username: String? {
        for case .username(let value) in attributes { return value }
        return nil
    }

    public var xorMappedAddress: STUNAddress? {
        for case .xorMappedAddress(let value) in attributes { return value }
        return nil
    }

    public var mappedAddress: STUNAddress? {
        for case .mappedAddress(let value) in attributes { return value }
        return nil
    }

    public var priority: UInt32? {
        for case .priority(let value) in attributes { return value }
        return nil
    }

    public var errorCode: STUNErrorCode? {
        for case .errorCode(let value) in attributes { return value }
        return nil
    }

    public var software: String? {
        for case .software(let value) in attributes { return value }
        return nil
    }

    public var hasUseCandidate: Bool { attributes.contains(.useCandidate) }

    public var iceControlling: UInt64? {
        for case .iceControlling(let value) in attributes { return value }
        return nil
    }

    public var iceControlled: UInt64? {
        for case .iceControlled(let value) in attributes { return value }
        return nil
    }

    public var hasMessageIntegrity: Bool { integrityOffset != nil }
    public var hasFingerprint: Bool { fingerprintOffset != nil }

    /// Comprehension-required attributes this codec does not know (RFC 8489 §6.3.1: a request carrying any gets
    /// a 420 listing them).
    public var unknownComprehensionRequired: [UInt16] {
        attributes.compactMap { attribute in
            if case .other(let type, _) = attribute, STUNAttributeType.isComprehensionRequired(type) { return type }
            return nil
        }
    }
}
