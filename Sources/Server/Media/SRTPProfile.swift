/// DTLS-SRTP protection profiles Parley negotiates (RFC 5764 §4.1.2, RFC 7714 §14.2).
public enum SRTPProfile: UInt16, Sendable, CaseIterable {
    case aes128CmHmacSha1_80 = 0x0001
    case aeadAes128Gcm = 0x0007

    /// The OpenSSL name for `SSL_CTX_set_tlsext_use_srtp`.
    public var openSSLName: String {
        switch self {
        case .aes128CmHmacSha1_80: "SRTP_AES128_CM_SHA1_80"
        case .aeadAes128Gcm: "SRTP_AEAD_AES_128_GCM"
        }
    }

    /// Master key length in bytes.
    public var keyLength: Int { 16 }

    /// Master salt length in bytes (RFC 3711 §8.2: 112 bits; RFC 7714 §12: 96 bits).
    public var saltLength: Int {
        switch self {
        case .aes128CmHmacSha1_80: 14
        case .aeadAes128Gcm: 12
        }
    }

    /// Authentication tag bytes appended to each SRTP packet.
    public var rtpTagLength: Int {
        switch self {
        case .aes128CmHmacSha1_80: 10
        case .aeadAes128Gcm: 16
        }
    }

    /// RFC 4568/SDES-style name, as ffmpeg's `-srtp_out_suite` spells it.
    public var suiteName: String {
        switch self {
        case .aes128CmHmacSha1_80: "AES_CM_128_HMAC_SHA1_80"
        case .aeadAes128Gcm: "AEAD_AES_128_GCM"
        }
    }
}

/// Which side of the DTLS handshake this endpoint plays (SDP `a=setup`, RFC 5763 §5: active = client).
public enum DTLSRole: Sendable, Hashable {
    case client, server
}

/// The DTLS-SRTP key block: client_key ‖ server_key ‖ client_salt ‖ server_salt (RFC 5764 §4.2).
public struct SRTPKeyingMaterial: Sendable, Hashable {
    public let profile: SRTPProfile
    public let clientKey: [UInt8]
    public let serverKey: [UInt8]
    public let clientSalt: [UInt8]
    public let serverSalt: [UInt8]

    /// Splits an exported block of 2 × (key + salt) bytes; nil when the length does not fit the profile.
    public init?(profile: SRTPProfile, exported block: [UInt8]) {
        let k = profile.keyLength, s = profile.saltLength
        guard block.count == 2 * (k + s) else { return nil }
        self.profile = profile
        clientKey = Array(block[0..<k])
        serverKey = Array(block[k..<2 * k])
        clientSalt = Array(block[2 * k..<2 * k + s])
        serverSalt = Array(block[2 * k + s..<2 * (k + s)])
    }

    /// The block in its exported order.
    public var exportedBlock: [UInt8] { clientKey + serverKey + clientSalt + serverSalt }

    /// key ‖ salt that `role` uses to protect what it sends.
    public func localMasterKey(for role: DTLSRole) -> (key: [UInt8], salt: [UInt8]) {
        role == .client ? (clientKey, clientSalt) : (serverKey, serverSalt)
    }

    /// key ‖ salt that `role` uses to unprotect what it receives (the peer's sending key).
    public func remoteMasterKey(for role: DTLSRole) -> (key: [UInt8], salt: [UInt8]) {
        role == .client ? (serverKey, serverSalt) : (clientKey, clientSalt)
    }
}
