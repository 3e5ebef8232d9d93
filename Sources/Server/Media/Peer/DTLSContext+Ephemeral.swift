import ParleyCrypto

extension DTLSContext {
    /// A context with a freshly generated P-256 certificate: WebRTC authenticates it by the SDP fingerprint only
    /// (RFC 8827 §6.5), so a process-lifetime self-signed certificate is what browsers use too.
    public static func ephemeral(commonName: String = "parley-webrtc") throws -> DTLSContext {
        try DTLSContext(certificate: SelfSignedCertificate.generate(commonName: commonName, validityDays: 30))
    }
}
