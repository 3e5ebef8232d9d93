import Fixtures
import Foundation
import ParleyCrypto
import ParleyMedia
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Collects a child process's stdout while it runs.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// A UDP socket bound to 127.0.0.1 (test traffic stays on loopback).
final class LoopbackUDPSocket {
    let descriptor: Int32

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = LoopbackUDPSocket.address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit { close(descriptor) }

    var port: UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    static func address(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    func send(_ bytes: [UInt8], to port: UInt16) {
        var address = LoopbackUDPSocket.address(port: port)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// One datagram, or nil after `milliseconds` without one.
    func receive(milliseconds: Int32) -> [UInt8]? { receiveWithSender(milliseconds: milliseconds)?.bytes }

    /// One datagram and the sender's port, or nil after `milliseconds` without one.
    func receiveWithSender(milliseconds: Int32) -> (bytes: [UInt8], port: UInt16)? {
        var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptorSet, 1, milliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 2048)
        var sender = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = withUnsafeMutablePointer(to: &sender) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, &buffer, buffer.count, 0, $0, &length)
            }
        }
        return count > 0 ? (Array(buffer.prefix(count)), UInt16(bigEndian: sender.sin_port)) : nil
    }
}

@Suite("DTLS against the openssl CLI (s_server, s_client)")
struct DTLSInteropTests {
    @Test(
        "a DTLSEndpoint client completes a real DTLS 1.2 handshake with `openssl s_server` (cookie exchange included) and exports the same SRTP keys"
    )
    func handshakeWithOpenSSLServer() async throws {
        let serverCertificate = try SelfSignedCertificate.generate(commonName: "s_server")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parley-dtls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        try serverCertificate.certificatePEM.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try serverCertificate.privateKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)

        for attempt in 1...2 {
            let port: UInt16 = try { try LoopbackUDPSocket().port }() // a free port, released for s_server
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            server.arguments = [
                "s_server", "-dtls1_2", "-accept", "127.0.0.1:\(port)", "-cert", certificatePath,
                "-key", keyPath, "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-keymatexport",
                "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60", "-naccept", "1",
            ]
            let output = OutputCollector()
            let stdout = Pipe()
            server.standardOutput = stdout
            server.standardError = stdout
            server.standardInput = Pipe()
            stdout.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
            try server.run()
            defer {
                if server.isRunning { server.terminate() }
                stdout.fileHandleForReading.readabilityHandler = nil
            }
            let clock = ContinuousClock()
            let origin = clock.now
            try await waitUntil("s_server to print ACCEPT", timeout: .seconds(5)) { output.text.contains("ACCEPT") }

            let socket = try LoopbackUDPSocket()
            let client = try DTLSEndpoint(
                context: DTLSContext(certificate: SelfSignedCertificate.generate(commonName: "c")),
                role: .client, remoteFingerprints: [serverCertificate.fingerprint],
                now: MediaTime(since: origin, now: clock.now))
            var firstReply: [UInt8]?
            while client.state == .handshaking, origin.duration(to: clock.now) < .seconds(10) {
                while let datagram = client.pollOutput() { socket.send(datagram, to: port) }
                if let datagram = socket.receive(milliseconds: 20) {
                    if firstReply == nil { firstReply = datagram }
                    client.handle(datagram: datagram, now: MediaTime(since: origin, now: clock.now))
                } else {
                    client.handleTimeout(now: MediaTime(since: origin, now: clock.now))
                }
            }
            while let datagram = client.pollOutput() { socket.send(datagram, to: port) }
            // The released port can be taken between our probe and s_server's bind on a loaded machine (parallel
            // suites); when s_server never answered at all, try once more on a fresh port.
            if firstReply == nil, attempt == 1 { continue }
            #expect(client.state == .connected, "state \(client.state); s_server said: \(output.text)")
            // Record header (13 bytes) then the handshake type: 3 = HelloVerifyRequest (RFC 6347 §4.2.1).
            #expect(firstReply.map { $0.count > 13 && $0[0] == 22 && $0[13] == 3 } == true, "s_server sent a cookie")
            let material = try #require(client.srtpKeyingMaterial)
            #expect(material.profile == .aes128CmHmacSha1_80)

            try await waitUntil("s_server to print the keying material") { output.text.contains("Keying material: ") }
            let line = try #require(output.text.split(separator: "\n").first { $0.contains("Keying material: ") })
            let serverHex = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces).lowercased()
            #expect(serverHex == material.exportedBlock.hexString)
            #expect(output.text.contains("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80"))
            client.close(now: MediaTime(since: origin, now: clock.now))
            while let datagram = client.pollOutput() { socket.send(datagram, to: port) }
            return
        }
    }

    @Test(
        "a DTLSEndpoint server completes a real DTLS 1.2 handshake with `openssl s_client` and exports the same SRTP keys"
    )
    func handshakeWithOpenSSLClient() async throws {
        let clientCertificate = try SelfSignedCertificate.generate(commonName: "s_client")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parley-dtls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        try clientCertificate.certificatePEM.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try clientCertificate.privateKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)

        let socket = try LoopbackUDPSocket()
        let clock = ContinuousClock()
        let origin = clock.now
        let server = try DTLSEndpoint(
            context: DTLSContext(certificate: SelfSignedCertificate.generate(commonName: "sfu")),
            role: .server, remoteFingerprints: [clientCertificate.fingerprint],
            now: MediaTime(since: origin, now: clock.now))

        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        client.arguments = [
            "s_client", "-dtls1_2", "-connect", "127.0.0.1:\(socket.port)", "-cert", certificatePath,
            "-key", keyPath, "-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80",
            "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60",
        ]
        let output = OutputCollector()
        let stdout = Pipe(), stdin = Pipe()
        client.standardOutput = stdout
        client.standardError = stdout
        client.standardInput = stdin
        stdout.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
        try client.run()
        defer {
            if client.isRunning { client.terminate() }
            stdout.fileHandleForReading.readabilityHandler = nil
        }

        var clientPort: UInt16?
        while server.state == .handshaking, origin.duration(to: clock.now) < .seconds(10) {
            if let clientPort { while let datagram = server.pollOutput() { socket.send(datagram, to: clientPort) } }
            if let (datagram, port) = socket.receiveWithSender(milliseconds: 20) {
                clientPort = port
                server.handle(datagram: datagram, now: MediaTime(since: origin, now: clock.now))
            } else {
                server.handleTimeout(now: MediaTime(since: origin, now: clock.now))
            }
        }
        if let clientPort { while let datagram = server.pollOutput() { socket.send(datagram, to: clientPort) } }
        #expect(server.state == .connected, "state \(server.state); s_client said: \(output.text)")
        let material = try #require(server.srtpKeyingMaterial)
        #expect(material.profile == .aes128CmHmacSha1_80, "the server's preference wins over the client's order")

        try await waitUntil("s_client to print the keying material") { output.text.contains("Keying material: ") }
        try stdin.fileHandleForWriting.close()
        let line = try #require(output.text.split(separator: "\n").first { $0.contains("Keying material: ") })
        let clientHex = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces).lowercased()
        #expect(clientHex?.count == 120)
        #expect(clientHex == material.exportedBlock.hexString)
    }
}
