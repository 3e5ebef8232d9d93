import Foundation
import Logging
import NIOCore
import ParleyMedia
import ParleyWire
@testable import ParleySFU

/// A media plane core and its clients on a virtual wire: datagrams move only when the test pumps them, time
/// moves only when the test advances it, and a filter may drop or hold back any datagram.
final class VirtualNetwork {
    let core: MediaPlaneCore
    let serverAddress: STUNAddress
    var now = MediaTime.zero
    var clients: [STUNAddress: TestClient] = [:]
    /// Decides per datagram (index counts every datagram in either direction): deliver, drop, or hold back until
    /// the next pump (reordering).
    var filter: (_ index: Int, _ bytes: [UInt8], _ toServer: Bool) -> Fate = { _, _, _ in .deliver }
    var datagramIndex = 0
    var heldForServer: [([UInt8], STUNAddress)] = []
    var heldForClients: [ICETransmit] = []
    var ended: [SessionDescriptor] = []

    enum Fate { case deliver, drop, hold }

    init(consentTimeout: Duration = .seconds(30), limits: MediaPlaneLimits = MediaPlaneLimits()) throws {
        guard let ip = IPAddress("127.0.0.1") else { throw TestFailure("no loopback") }
        serverAddress = STUNAddress(ip: ip, port: 9000)
        core = MediaPlaneCore(
            dtlsContext: try DTLSContext.ephemeral(), candidates: [serverAddress],
            consentTimeout: consentTimeout, limits: limits, logger: Logger(label: "sfu-test"))
        core.onSessionEnded = { [unowned self] in self.ended.append($0) }
    }

    /// Opens a session for `client` and has the client read the answer.
    @discardableResult
    func open(
        _ kind: SessionKind, path: String, client: TestClient, audio: Bool = true, video: VideoOffer? = nil
    ) throws -> SessionDescriptor {
        clients[client.address] = client
        let offer = try client.offer(
            direction: kind == .publisher ? "sendonly" : "recvonly", audio: audio, video: video)
        let session = try core.open(kind: kind, path: path, offer: offer, now: now)
        try client.accept(answer: session.answer, now: now)
        return session
    }

    func toServer(_ bytes: [UInt8], from client: TestClient) {
        datagramIndex += 1
        switch filter(datagramIndex, bytes, true) {
        case .deliver: core.handle(datagram: bytes, from: client.address, now: now)
        case .drop: break
        case .hold: heldForServer.append((bytes, client.address))
        }
    }

    /// Moves every queued datagram both ways until the wire is quiet (held ones go out one pump later).
    func pump() {
        for _ in 0..<50 {
            var moved = false
            let releasedToServer = heldForServer
            heldForServer.removeAll()
            let releasedToClients = heldForClients
            heldForClients.removeAll()
            for client in clients.values {
                while let datagram = client.pollDTLS() {
                    moved = true
                    toServer(datagram, from: client)
                }
            }
            var sent: [ICETransmit] = []
            core.sendOutbox { datagram in
                guard let destination = STUNAddress(datagram.remoteAddress) else { return }
                sent.append(ICETransmit(bytes: Array(buffer: datagram.data), destination: destination))
            }
            for transmit in sent {
                moved = true
                datagramIndex += 1
                switch filter(datagramIndex, transmit.bytes, false) {
                case .deliver: clients[transmit.destination]?.handle(transmit.bytes, now: now)
                case .drop: break
                case .hold: heldForClients.append(transmit)
                }
            }
            for (bytes, source) in releasedToServer {
                moved = true
                core.handle(datagram: bytes, from: source, now: now)
            }
            for transmit in releasedToClients {
                moved = true
                clients[transmit.destination]?.handle(transmit.bytes, now: now)
            }
            if !moved { return }
        }
    }

    /// ICE checks (first plain, then nominating, as every browser does), then DTLS until both sides are keyed,
    /// advancing virtual time through retransmission timers when datagrams were lost.
    func connect(_ client: TestClient, timeout: Duration = .seconds(20)) throws {
        toServer(client.bindingRequest(useCandidate: false), from: client)
        toServer(client.bindingRequest(useCandidate: true), from: client)
        let deadline = now + timeout
        pump()
        while !(client.isConnected && serverConnected(client)) {
            guard now < deadline else { throw TestFailure("no DTLS connection by \(now)") }
            advance(by: .milliseconds(100))
            // OpenSSL also checks its own wall-clock timer before it retransmits; let a little real time pass.
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func serverConnected(_ client: TestClient) -> Bool {
        guard let id = core.sessionByAddress[client.address], let session = core.sessions[id] else { return false }
        return session.peer.isConnected
    }

    func advance(by duration: Duration) {
        now = now + duration
        for client in clients.values { client.dtls?.handleTimeout(now: now) }
        core.tick(now: now)
        pump()
    }
}
