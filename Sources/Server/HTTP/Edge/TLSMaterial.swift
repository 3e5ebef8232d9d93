import Foundation
import Logging
import NIOSSL
import ParleyCrypto

/// The certificate and key of the HTTPS side of the port: the configured pair, or a self-signed pair generated
/// into `<data_dir>/tls/` on first start (then reused, so browsers that accepted it once keep accepting it).
public enum TLSMaterial {
    public struct Paths: Sendable, Equatable {
        public let certificate: String
        public let privateKey: String
        public let generated: Bool
    }

    /// Resolves the PEM files to use, generating a self-signed pair when none is configured.
    public static func resolve(certPath: String, keyPath: String, dataDirectory: URL, logger: Logger) throws -> Paths {
        if !certPath.isEmpty || !keyPath.isEmpty {
            guard !certPath.isEmpty, !keyPath.isEmpty else {
                throw TLSMaterialError.incomplete
            }
            return Paths(certificate: certPath, privateKey: keyPath, generated: false)
        }
        let directory = dataDirectory.appendingPathComponent("tls")
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let fm = FileManager.default
        if fm.fileExists(atPath: cert), fm.fileExists(atPath: key) {
            return Paths(certificate: cert, privateKey: key, generated: false)
        }
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let pair = try SelfSignedCertificate.generate(
            commonName: "localhost", validityDays: 825,
            subjectAlternativeNames: ["DNS:localhost", "IP:127.0.0.1", "IP:::1"])
        fm.createFile(atPath: key, contents: Data(pair.privateKeyPEM.utf8), attributes: [.posixPermissions: 0o600])
        fm.createFile(atPath: cert, contents: Data(pair.certificatePEM.utf8), attributes: [.posixPermissions: 0o644])
        logger.warning(
            "generated a self-signed TLS certificate for the HTTP port; set tls.cert and tls.key for production",
            metadata: ["cert": .string(cert)])
        return Paths(certificate: cert, privateKey: key, generated: true)
    }

    /// A server TLS configuration for HTTP/1.1 (no `h2` over ALPN: the base channel speaks HTTP/1 only).
    public static func serverConfiguration(_ paths: Paths) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(paths.certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: paths.privateKey, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }
}

public enum TLSMaterialError: Error, CustomStringConvertible {
    case incomplete

    public var description: String {
        switch self {
        case .incomplete: "tls.cert and tls.key must be set together"
        }
    }
}
