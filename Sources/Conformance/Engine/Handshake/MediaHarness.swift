import Foundation
import NIOCore
import NIOPosix
import ParleyWire

/// A publisher and players of one stream path on the runner's own WebRTC client, for cases that need DTLS and
/// SRTP up: every client lives on one event loop, whose 20 ms timer drives ICE, DTLS and RTCP.
final class MediaHarness: @unchecked Sendable {
    let signaling: MediaSignaling
    let streamPath: String
    let timeoutScale: Double
    let loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    let clock: @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds }
    // Loop-confined.
    var clients: [WebRTCClient] = []
    var channels: [any Channel] = []
    var sessions: [MediaSignaling.Session] = []
    var timer: RepeatedTask?

    init(_ context: CaseContext, signaling: MediaSignaling, slug: String) {
        self.signaling = signaling
        streamPath = HandshakeTarget.streamPath(slug)
        timeoutScale = context.options.timeoutScale
    }

    /// Negotiates one session and starts ICE. `announce` is the certificate whose fingerprint the offer carries
    /// (default: the one DTLS presents); `filter` returning false drops an incoming datagram.
    func connect(
        sending: Bool, certificate: DTLSClientContext, announce: DTLSClientContext? = nil,
        filter: ClientDatagramHandler.Filter? = nil
    ) async throws(CaseStop) -> WebRTCClient {
        if timer == nil {
            timer = loop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { _ in
                let now = self.clock()
                for client in self.clients { client.tick(now: now) }
            }
        }
        do {
            let negotiated = try await WebRTCClient.negotiate(
                on: loop, context: certificate, announce: announce, filter: filter, signaling: signaling,
                streamPath: streamPath, sending: sending, ssrc: UInt32.random(in: 1...UInt32.max), videoSSRC: nil,
                timeoutScale: timeoutScale, clock: clock)
            try await loop.submit {
                self.channels.append(negotiated.channel)
                self.sessions.append(negotiated.session)
                self.clients.append(negotiated.client)
            }.get()
            return negotiated.client
        } catch {
            throw .broken("\(sending ? "WHIP publish" : "WHEP play") the case needs: \(error)")
        }
    }

    /// Waits until `client` is connected or failed, at most `seconds` (scaled); the phase it ended in.
    func settle(_ client: WebRTCClient, within seconds: Double) async -> WebRTCClient.Phase {
        let deadline = clock() + UInt64(seconds * timeoutScale * 1e9)
        var phase = WebRTCClient.Phase.ice
        while clock() < deadline {
            phase = (try? await loop.submit { client.phase }.get()) ?? phase
            if phase.isSettled { return phase }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return phase
    }

    /// Connected within `seconds`, or the case stops as BROKEN naming the phase it reached.
    func requireConnected(_ client: WebRTCClient, _ role: String, within seconds: Double = 15) async throws(CaseStop) {
        let phase = await settle(client, within: seconds)
        guard phase == .connected else { throw .broken("the \(role) did not connect: \(phase)") }
    }

    /// Runs `body` on the loop that owns the clients.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T? {
        try? await loop.submit(body).get()
    }

    func close() async {
        timer?.cancel()
        let sessions = (await onLoop { self.sessions }) ?? []
        for session in sessions { await signaling.close(session) }
        let channels = (await onLoop { self.channels }) ?? []
        for channel in channels { try? await channel.close().get() }
    }

    /// Runs `body` with a harness and closes everything after, whatever happened.
    static func with(
        _ context: CaseContext, slug: String, _ body: (MediaHarness) async throws -> CaseOutcome
    ) async throws -> CaseOutcome {
        let harness = MediaHarness(context, signaling: await HandshakeTarget.signaling(context), slug: slug)
        do {
            let outcome = try await body(harness)
            await harness.close()
            return outcome
        } catch {
            await harness.close()
            throw error
        }
    }
}

extension WebRTCClient {
    /// Sends bytes as they are to the selected server address.
    func sendRaw(_ bytes: [UInt8]) {
        guard let remoteAddress else { return }
        write(bytes, to: remoteAddress)
    }
}
