import Foundation
import NIOCore
import NIOPosix
import ParleyWire

/// `parley-conform latency`: one publisher sends marked Opus over WHIP, N players play it over WHEP, and each
/// arrival is matched to its send time by the payload fingerprint (no reliance on SSRC, sequence or timestamp
/// surviving the SFU). All clients share one event loop thread.
public struct LatencyOptions: Sendable {
    public var signaling: MediaSignaling
    public var streamPath: String
    public var subscribers: Int
    public var duration: Double
    public var warmup: Double = 1
    /// WHEP offers in flight at once (servers cap unfinished handshakes per address).
    public var concurrency: Int = 8
    public var timeoutScale: Double = 1
    /// Bits per second of VP8-shaped video (1200-byte packets) next to the audio; 0 = audio only.
    public var videoBitrate: Int = 0

    public init(signaling: MediaSignaling, streamPath: String, subscribers: Int, duration: Double) {
        self.signaling = signaling
        self.streamPath = streamPath
        self.subscribers = subscribers
        self.duration = duration
    }
}

public final class LatencyRun: @unchecked Sendable {
    let options: LatencyOptions
    let clock: @Sendable () -> UInt64
    let progress: @Sendable (String) -> Void
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var loop: any EventLoop { group.next() }

    // Loop-confined state.
    var frames: OpusFrameSource!
    var video: VP8PayloadSource?
    /// Payload fingerprint → slot: audio frames first, then video payloads.
    var slots: [UInt64: Int] = [:]
    var nextVideoAt: UInt64 = 0
    var videoSlot = 0
    var publisher: WebRTCClient?
    var players: [(client: WebRTCClient?, tracker: PlayerTracker, requestedAt: UInt64, error: String?)] = []
    var sentAt: [UInt64] = []
    var slotIndex: [Int] = []
    var nextFrameAt: UInt64 = 0
    var window = 0..<0
    var ticks = 0
    var channels: [any Channel] = []
    /// Every negotiated client, for the timers (the publisher is `publisher` only once connected).
    var clients: [WebRTCClient] = []
    var sessions: [MediaSignaling.Session] = []

    public init(
        options: LatencyOptions, clock: @escaping @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds },
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.clock = clock
        self.progress = progress
    }

    /// How a frame is matched, and when it counts as sent and as arrived.
    public static let method =
        "payload fingerprint (FNV-1a 64 over each RTP payload; 1500 distinct Opus frames); sent: just before the "
        + "write, after SRTP; arrived: \(KernelArrivalTime.method)"

    public func run() async -> LatencyReport {
        let report = await measure()
        try? await group.shutdownGracefully()
        return report
    }

    func measure() async -> LatencyReport {
        var report = LatencyReport(
            target: options.signaling.client.target.url, streamPath: options.streamPath, method: Self.method,
            subscribers: options.subscribers, connected: 0, durationS: options.duration, sentInWindow: 0,
            overall: LatencySummary(microseconds: []), lost: 0, lossPercent: 0, duplicates: 0, reordered: 0,
            runnerCPUPercent: 0, error: nil, players: [])
        let context: DTLSClientContext
        do {
            frames = try OpusFrameSource()
            slots = frames.slots
            if options.videoBitrate > 0 {
                // 30 s of distinct payloads, as for audio.
                let source = VP8PayloadSource(count: max(100, 30 * options.videoBitrate / 9_600))
                for (offset, payload) in source.payloads.enumerated() {
                    slots[OpusFrameSource.fingerprint(payload[...])] = frames.frames.count + offset
                }
                video = source
            }
            slotIndex = [Int](repeating: -1, count: frames.frames.count + (video?.payloads.count ?? 0))
            context = try DTLSClientContext()
        } catch {
            report.error = "runner set-up: \(error)"
            return report
        }
        let timer = loop.scheduleRepeatedTask(initialDelay: .milliseconds(5), delay: .milliseconds(5)) { _ in
            self.tick()
        }
        defer { timer.cancel() }

        // 1. The publisher, connected before any player asks for the stream.
        do {
            let client = try await connect(context: context, sending: true, player: nil)
            try await waitConnected([client], timeout: 15)
            try await loop.submit {
                self.publisher = client
                self.nextFrameAt = self.clock()
                self.nextVideoAt = self.nextFrameAt
            }.get()
        } catch {
            report.error = "publisher: \(error)"
            await closeAll()
            return report
        }

        // 2. Players, a few offers at a time.
        try? await loop.submit {
            self.players = Array(repeating: (nil, PlayerTracker(), 0, nil), count: self.options.subscribers)
        }.get()
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < options.subscribers else { return }
                let index = next
                next += 1
                group.addTask {
                    do {
                        _ = try await self.connect(context: context, sending: false, player: index)
                    } catch {
                        try? await self.loop.submit { self.players[index].error = "\(error)" }.get()
                    }
                }
            }
            for _ in 0..<max(1, options.concurrency) { launch() }
            while await group.next() != nil { launch() }
        }
        let connectDeadline = clock() + UInt64(Double(20 + options.subscribers / 10) * options.timeoutScale * 1e9)
        while clock() < connectDeadline {
            let pending =
                (try? await loop.submit {
                    self.players.filter { $0.error == nil && $0.client?.phase.isSettled == false }.count
                }.get()) ?? 0
            if pending == 0 { break }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }

        // 3. Warm-up until every connected player has media (or the warm-up time ran out), then the window.
        let warmupDeadline = clock() + UInt64(max(options.warmup, 0.2) * 1e9)
        while clock() < warmupDeadline {
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        let startUsage = Self.cpuSeconds()
        let startWall = clock()
        try? await loop.submit { self.window = self.sentAt.count..<Int.max }.get()
        var elapsed = 0.0
        while elapsed < options.duration {
            let step = min(1.0, options.duration - elapsed)
            try? await Task.sleep(nanoseconds: UInt64(step * 1e9))
            elapsed += step
            let status = (try? await loop.submit { self.progressLine(elapsed: elapsed) }.get()) ?? ""
            progress(status)
        }
        try? await loop.submit { self.window = self.window.lowerBound..<self.sentAt.count }.get()
        let cpu = Self.cpuSeconds() - startUsage
        let wall = Double(clock() - startWall) / 1e9
        // Drain: late frames still count (their send time is known); wait until arrivals stop for 300 ms, at most
        // 3 s scaled, so a slow target's tail is not counted as loss.
        let drainDeadline = clock() + UInt64(3 * options.timeoutScale * 1e9)
        var lastCount = -1
        while clock() < drainDeadline {
            let count =
                (try? await loop.submit { self.players.reduce(0) { $0 + $1.tracker.receivedInWindow } }.get()) ?? 0
            if count == lastCount { break }
            lastCount = count
            try? await Task.sleep(nanoseconds: 300_000_000)
        }
        report = (try? await loop.submit { self.summarise(into: report) }.get()) ?? report
        report.runnerCPUPercent = wall > 0 ? 100 * cpu / wall : 0
        await closeAll()
        return report
    }

    // MARK: - steps

    /// Binds a socket, negotiates over WHIP/WHEP and starts ICE; the client is live on the loop when this returns.
    func connect(context: DTLSClientContext, sending: Bool, player: Int?) async throws -> WebRTCClient {
        let ssrc = UInt32.random(in: 1...UInt32.max)
        let negotiated = try await WebRTCClient.negotiate(
            on: loop, context: context, signaling: options.signaling, streamPath: options.streamPath,
            sending: sending, ssrc: ssrc, videoSSRC: options.videoBitrate > 0 ? ssrc ^ 0x5A5A_5A5A : nil,
            timeoutScale: options.timeoutScale, clock: clock)
        let client = negotiated.client
        try await loop.submit {
            self.channels.append(negotiated.channel)
            self.sessions.append(negotiated.session)
            self.clients.append(client)
            if let player {
                self.players[player].client = client
                self.players[player].requestedAt = negotiated.requestedAt
                client.onMedia = { [unowned self] payload, arrival in self.arrived(payload, at: arrival, player: player)
                }
            }
        }.get()
        return client
    }

    func waitConnected(_ clients: [WebRTCClient], timeout: Double) async throws {
        let deadline = clock() + UInt64(timeout * options.timeoutScale * 1e9)
        var phases: [WebRTCClient.Phase] = []
        while clock() < deadline {
            phases = try await loop.submit { clients.map(\.phase) }.get()
            if let failed = phases.first(where: { if case .failed = $0 { true } else { false } }) {
                throw MediaSignaling.Refused(description: "\(failed)")
            }
            if phases.allSatisfy({ $0 == .connected }) { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let stuck = phases.map { "\($0)" }.joined(separator: ", ")
        throw MediaSignaling.Refused(description: "not connected within \(timeout * options.timeoutScale) s (\(stuck))")
    }

    func closeAll() async {
        let sessions = (try? await loop.submit { self.sessions }.get()) ?? []
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < sessions.count else { return }
                let session = sessions[next]
                next += 1
                group.addTask { await self.options.signaling.close(session) }
            }
            for _ in 0..<max(1, options.concurrency) { launch() }
            while await group.next() != nil { launch() }
        }
        let channels = (try? await loop.submit { self.channels }.get()) ?? []
        for channel in channels { try? await channel.close().get() }
    }

    // MARK: - on the loop

    /// Every 5 ms: due frames; every 20 ms: the clients' timers.
    func tick() {
        let now = clock()
        if let publisher, publisher.phase == .connected {
            var burst = 0
            while now >= nextFrameAt, burst < 5 {
                let index = sentAt.count
                let slot = index % frames.frames.count
                slotIndex[slot] = index
                let packet = publisher.protectedFrame(frames.frames[slot])
                sentAt.append(clock())
                if let packet { publisher.sendRaw(packet) }
                nextFrameAt += 20_000_000
                burst += 1
            }
            // Far behind (the loop stalled): start the schedule again rather than burst.
            if now >= nextFrameAt { nextFrameAt = now + 20_000_000 }
            if let video {
                let interval = UInt64(1_200 * 8) * 1_000_000_000 / UInt64(options.videoBitrate)
                let ticks = UInt32(truncatingIfNeeded: interval * 90_000 / 1_000_000_000)
                burst = 0
                while now >= nextVideoAt, burst < 20 {
                    let slot = frames.frames.count + videoSlot
                    videoSlot = (videoSlot + 1) % video.payloads.count
                    slotIndex[slot] = sentAt.count
                    let packet = publisher.protectedVideo(video.payloads[slot - frames.frames.count], ticks: ticks)
                    sentAt.append(clock())
                    if let packet { publisher.sendRaw(packet) }
                    nextVideoAt += interval
                    burst += 1
                }
                if now >= nextVideoAt { nextVideoAt = now + interval }
            }
        }
        ticks += 1
        guard ticks % 4 == 0 else { return }
        for client in clients { client.tick(now: now) }
    }

    func arrived(_ payload: ArraySlice<UInt8>, at arrival: UInt64, player: Int) {
        guard let slot = slots[OpusFrameSource.fingerprint(payload)] else {
            players[player].tracker.markForeign()
            return
        }
        let index = slotIndex[slot]
        guard index >= 0 else { return }
        players[player].tracker.record(index: index, sentAt: sentAt[index], arrival: arrival, window: window)
    }

    func progressLine(elapsed: Double) -> String {
        let connected = players.filter { $0.client?.phase == .connected }.count
        let received = players.reduce(0) { $0 + $1.tracker.receivedInWindow }
        return String(
            format: "latency: %.0f/%.0f s, %d/%d players connected, %d frames sent, %d received in window",
            elapsed, options.duration, connected, players.count, sentAt.count, received)
    }

    func summarise(into base: LatencyReport) -> LatencyReport {
        var report = base
        let sent = window.count
        report.sentInWindow = sent
        var all: [UInt32] = []
        for (index, player) in players.enumerated() {
            let tracker = player.tracker
            var error = player.error
            if error == nil, let client = player.client, case .failed(let reason) = client.phase { error = reason }
            if error == nil, player.client?.phase != .connected { error = "not connected in time" }
            let lost = max(0, sent - tracker.receivedInWindow)
            all += tracker.samples
            report.lost += lost
            report.duplicates += tracker.duplicates
            report.reordered += tracker.reordered
            if player.client?.phase == .connected { report.connected += 1 }
            report.players.append(
                PlayerResult(
                    player: index + 1, error: error, latency: LatencySummary(microseconds: tracker.samples), lost: lost,
                    lossPercent: sent > 0 ? 100 * Double(lost) / Double(sent) : 0, duplicates: tracker.duplicates,
                    reordered: tracker.reordered, discarded: tracker.discarded, jitterMs: tracker.jitter / 1e6,
                    firstPacketMs: tracker.firstPacketAt.map { Double($0 &- player.requestedAt) / 1e6 },
                    srtpFailures: player.client?.srtpFailures ?? 0))
        }
        report.overall = LatencySummary(microseconds: all)
        report.histogram = LatencyHistogram(microseconds: all)
        report.fanOut = LatencyFanOut(players.map { ($0.tracker.samples, $0.tracker.sampleFrames) })
        let windowStart = window.lowerBound < sentAt.count ? sentAt[window.lowerBound] : 0
        report.timeline = LatencyTimelinePoint.series(
            players.map { ($0.tracker.samples, $0.tracker.sampleFrames) },
            sentOffsetMs: { frame in
                frame >= 0 && Int(frame) < self.sentAt.count
                    ? Double(self.sentAt[Int(frame)] &- windowStart) / 1e6 : nil
            })
        let expected = sent * players.count
        report.lossPercent = expected > 0 ? 100 * Double(report.lost) / Double(expected) : 0
        return report
    }

    /// User + system CPU seconds of this process (getrusage).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

extension WebRTCClient.Phase {
    /// Connected or failed: nothing more to wait for.
    var isSettled: Bool {
        switch self {
        case .connected, .failed: true
        case .ice, .dtls: false
        }
    }
}
