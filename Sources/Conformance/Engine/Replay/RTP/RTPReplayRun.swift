import Foundation
import NIOCore
import NIOPosix
import ParleyWire

/// What `parley-conform replay` needs for the RTP half.
public struct RTPReplayOptions: Sendable {
    public var signaling: MediaSignaling
    /// Stream path published and played; with several sessions (or copies) `-1`, `-2`… are appended.
    public var streamPath: String
    /// 1 = recorded timing, 2 = twice as fast.
    public var speed: Double = 1
    /// Copies of the capture replayed at once, each into its own stream path (`make bench`).
    public var parallel: Int = 1
    public var timeoutScale: Double = 1

    public init(signaling: MediaSignaling, streamPath: String) {
        self.signaling = signaling
        self.streamPath = streamPath
    }
}

/// `parley-conform replay` for RTP (docs/replay.md): every group of streams (at most one audio and one video) is
/// published over WHIP with its packets rewritten for the new session, sent on a monotonic-clock schedule from
/// the capture times, and played back over WHEP, where each arrival is matched to the packet sent. All clients
/// run on one event loop thread; every field below is confined to it.
public final class RTPReplayRun: @unchecked Sendable {
    let options: RTPReplayOptions
    let streams: [ReplayStream]
    let progress: @Sendable (String) -> Void
    let clock: @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds }
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var loop: any EventLoop { group.next() }

    /// One WHIP publication and its WHEP player.
    struct Session {
        var copy: Int
        var streamPath: String
        /// Indices into `streams`: at most one audio, one video.
        var audio: Int?
        var video: Int?
        var publisher: NegotiatedClient?
        var player: NegotiatedClient?
        var error: String?
    }

    /// One packet to send: when, on which session and stream slot, the bytes ready to protect.
    struct Entry {
        var due: UInt64
        var session: Int
        var track: Int // index into `tracks`
        var packet: [UInt8]
        var payloadLength: Int
    }

    /// One replayed stream in one session: what was sent and what came back.
    struct Track {
        var session: Int
        var stream: Int
        var tracker: ForwardedPacketTracker
        var drift: [UInt64] = []
        var sent = 0
        var sendFailures = 0
    }

    var sessions: [Session] = []
    var tracks: [Track] = []
    var entries: [Entry] = []
    var next = 0
    var start: UInt64 = 0
    var finishedAt: UInt64?
    var allDrift: [UInt64] = []

    public init(options: RTPReplayOptions, streams: [ReplayStream], progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.streams = streams
        self.progress = progress
    }

    public func run() async -> RTPReplayReport {
        let report = await replay()
        try? await group.shutdownGracefully()
        return report
    }

    // MARK: - steps

    func replay() async -> RTPReplayReport {
        let began = clock()
        let layout = Self.sessions(for: streams, copies: options.parallel, basePath: options.streamPath)
        try? await loop.submit { self.sessions = layout }.get()
        let context: DTLSClientContext
        do { context = try DTLSClientContext() } catch {
            return summarise(error: "runner set-up: \(error)", began: began)
        }
        let timer = loop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { _ in
            let now = self.clock()
            for session in self.sessions {
                session.publisher?.client.tick(now: now)
                session.player?.client.tick(now: now)
            }
        }
        defer { timer.cancel() }

        // 1. Publishers, then one player each once its publisher is connected (a WHEP offer needs the stream).
        await forEachSession(layout) { index in
            let session = layout[index]
            let ssrc = UInt32.random(in: 1...UInt32.max)
            let publisher = try await WebRTCClient.negotiate(
                on: self.loop, context: context, signaling: self.options.signaling, streamPath: session.streamPath,
                sending: true, ssrc: ssrc, videoSSRC: session.video == nil ? nil : ssrc ^ 0x5A5A_5A5A,
                timeoutScale: self.options.timeoutScale, clock: self.clock)
            try await self.loop.submit { self.sessions[index].publisher = publisher }.get()
            try await self.waitConnected(publisher.client, role: "publisher")
            let player = try await WebRTCClient.negotiate(
                on: self.loop, context: context, signaling: self.options.signaling, streamPath: session.streamPath,
                sending: false, ssrc: UInt32.random(in: 1...UInt32.max), videoSSRC: session.video == nil ? nil : 1,
                timeoutScale: self.options.timeoutScale, clock: self.clock)
            try await self.loop.submit { self.sessions[index].player = player }.get()
            try await self.waitConnected(player.client, role: "player")
        }

        // 2. The schedule over every connected session, then the sends on the loop's timers.
        let total: Int = (try? await loop.submit { self.prepare() }.get()) ?? 0
        if total > 0 {
            try? await loop.submit {
                self.start = self.clock() + 20_000_000
                self.schedulePump()
            }.get()
            var lastLine = clock()
            while (try? await loop.submit { self.finishedAt == nil }.get()) ?? false {
                try? await Task.sleep(nanoseconds: 50_000_000)
                if clock() - lastLine >= 1_000_000_000 {
                    lastLine = clock()
                    if let line = try? await loop.submit({ self.progressLine() }).get() { progress(line) }
                }
            }
            // 3. Drain: arrivals stop for 500 ms (at most 5 s scaled) before the tail counts as lost.
            let deadline = clock() + UInt64(5 * options.timeoutScale * 1e9)
            var last = -1
            while clock() < deadline {
                try? await Task.sleep(nanoseconds: 500_000_000)
                let count = (try? await loop.submit { self.tracks.reduce(0) { $0 + $1.tracker.forwarded } }.get()) ?? 0
                if count == last { break }
                last = count
            }
            if let line = try? await loop.submit({ self.progressLine() }).get() { progress(line) }
        }
        let report =
            (try? await loop.submit { self.summarise(error: nil, began: began) }.get())
            ?? summarise(error: "the media loop stopped", began: began)
        await closeAll()
        return report
    }

    /// Runs `body` for every session, a few at a time; a failure is that session's error.
    func forEachSession(_ layout: [Session], _ body: @escaping @Sendable (Int) async throws -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            var index = 0
            func launch() {
                guard index < layout.count else { return }
                let current = index
                index += 1
                group.addTask {
                    do { try await body(current) } catch {
                        try? await self.loop.submit { self.sessions[current].error = "\(error)" }.get()
                    }
                }
            }
            for _ in 0..<8 { launch() }
            while await group.next() != nil { launch() }
        }
    }

    func waitConnected(_ client: WebRTCClient, role: String) async throws {
        let timeout = 15 * options.timeoutScale
        let deadline = clock() + UInt64(timeout * 1e9)
        while clock() < deadline {
            let phase = try await loop.submit { client.phase }.get()
            switch phase {
            case .connected: return
            case .failed(let reason): throw MediaSignaling.Refused(description: "\(role): \(reason)")
            case .ice, .dtls: try await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        throw MediaSignaling.Refused(description: "\(role): not connected within \(timeout) s")
    }

    func closeAll() async {
        let negotiated = (try? await loop.submit { self.sessions.flatMap { [$0.player, $0.publisher] } }.get()) ?? []
        for case let client? in negotiated {
            await options.signaling.close(client.session)
            try? await client.channel.close().get()
        }
    }

    // MARK: - on the loop

    /// Groups streams into sessions (one audio and one video each, by session key) and copies them.
    static func sessions(for streams: [ReplayStream], copies: Int, basePath: String) -> [Session] {
        var groups: [(key: String, audio: Int?, video: Int?)] = []
        for (index, stream) in streams.enumerated() where stream.unreplayableReason == nil {
            if let slot = groups.firstIndex(where: {
                $0.key == stream.sessionKey && (stream.kind == .audio ? $0.audio == nil : $0.video == nil)
            }) {
                if stream.kind == .audio { groups[slot].audio = index } else { groups[slot].video = index }
            } else {
                groups.append(
                    (stream.sessionKey, stream.kind == .audio ? index : nil, stream.kind == .video ? index : nil))
            }
        }
        var sessions: [Session] = []
        let many = groups.count * copies > 1
        for copy in 0..<copies {
            for group in groups {
                let path = many ? "\(basePath)-\(sessions.count + 1)" : basePath
                sessions.append(Session(copy: copy, streamPath: path, audio: group.audio, video: group.video))
            }
        }
        return sessions
    }

    /// Rewrites every packet of every connected session and merges them into one schedule; returns its length.
    func prepare() -> Int {
        var merged: [(capturedAt: Int64, entry: Entry)] = []
        for (sessionIndex, session) in sessions.enumerated() {
            guard session.error == nil, let publisher = session.publisher?.client else { continue }
            for (slot, streamIndex) in [session.audio, session.video].enumerated() {
                guard let streamIndex else { continue }
                let stream = streams[streamIndex]
                let video = slot == 1
                let ssrc = video ? publisher.video?.ssrc ?? 0 : publisher.ssrc
                let payloadType = video ? publisher.video?.payloadType ?? 0 : publisher.payloadType
                guard let first = stream.packets.first else { continue }
                let rewriter = RTPStreamRewriter(
                    ssrc: ssrc, payloadType: payloadType, firstCapturedSequence: first.sequenceNumber,
                    firstSequence: UInt16.random(in: 0...UInt16.max), firstCapturedTimestamp: first.timestamp,
                    firstTimestamp: UInt32.random(in: 0...UInt32.max), capturedClockRate: stream.clockRate,
                    negotiatedClockRate: video ? 90_000 : 48_000,
                    extensionIDs: [:]) // the runner's offer negotiates no header extension: every element goes
                var fingerprints: [UInt64] = []
                let trackIndex = tracks.count
                for packet in stream.packets {
                    guard let rewritten = rewriter.rewrite(packet.bytes),
                        let header = try? RTPHeaderView(parsing: rewritten)
                    else { continue }
                    fingerprints.append(ForwardedPacketTracker.fingerprint(rewritten[header.payloadRange]))
                    merged.append(
                        (
                            packet.capturedAt,
                            Entry(
                                due: 0, session: sessionIndex, track: trackIndex, packet: rewritten,
                                payloadLength: header.payloadRange.count)
                        ))
                }
                tracks.append(
                    Track(
                        session: sessionIndex, stream: streamIndex,
                        tracker: ForwardedPacketTracker(payloadFingerprints: fingerprints)))
            }
            if let player = session.player?.client {
                player.onMedia = { [unowned self] payload, arrival in
                    self.arrived(payload, at: arrival, session: sessionIndex)
                }
            }
        }
        // A stable sort keeps each stream's capture order for equal times.
        let ordered = merged.enumerated().sorted {
            ($0.element.capturedAt, $0.offset) < ($1.element.capturedAt, $1.offset)
        }.map(\.element)
        let schedule = ReplaySchedule(capturedAt: ordered.map(\.capturedAt), speed: options.speed)
        entries = zip(ordered, schedule.dueOffsets).map { item, due in
            var entry = item.entry
            entry.due = due
            return entry
        }
        if entries.isEmpty { finishedAt = clock() }
        return entries.count
    }

    /// Sends everything due, then sleeps on a timer until the next packet's deadline.
    func schedulePump() {
        let now = clock()
        while next < entries.count, start + entries[next].due <= now {
            let entry = entries[next]
            next += 1
            guard let publisher = sessions[entry.session].publisher?.client else { continue }
            let sentAt = clock()
            if publisher.sendPrepared(entry.packet, payloadLength: entry.payloadLength) {
                let drift = sentAt - (start + entry.due)
                tracks[entry.track].drift.append(drift)
                tracks[entry.track].sent += 1
                allDrift.append(drift)
            } else {
                tracks[entry.track].sendFailures += 1
            }
        }
        guard next < entries.count else {
            finishedAt = clock()
            return
        }
        loop.scheduleTask(deadline: .uptimeNanoseconds(start + entries[next].due)) { self.schedulePump() }
    }

    func arrived(_ payload: ArraySlice<UInt8>, at arrival: UInt64, session: Int) {
        let fingerprint = ForwardedPacketTracker.fingerprint(payload)
        guard let track = tracks.firstIndex(where: { $0.session == session && $0.tracker.knows(fingerprint) }) else {
            if let any = tracks.firstIndex(where: { $0.session == session }) {
                tracks[any].tracker.record(fingerprint: fingerprint, arrival: arrival)
            }
            return
        }
        tracks[track].tracker.record(fingerprint: fingerprint, arrival: arrival)
    }

    func progressLine() -> String {
        let forwarded = tracks.reduce(0) { $0 + $1.tracker.forwarded }
        let recent = allDrift.suffix(500)
        let drift = DriftStatistics(driftNanoseconds: Array(recent))
        return String(
            format: "replay: %d/%d packets sent, %d forwarded, drift p99 %.2f ms (last %d)", next, entries.count,
            forwarded, drift.p99Ms, recent.count)
    }

    func summarise(error: String?, began: UInt64) -> RTPReplayReport {
        var results: [RTPReplayStreamResult] = []
        for (sessionIndex, session) in sessions.enumerated() {
            for streamIndex in [session.audio, session.video].compactMap({ $0 }) {
                let stream = streams[streamIndex]
                var result = RTPReplayStreamResult(stream: stream, copy: session.copy, streamPath: session.streamPath)
                if let track = tracks.first(where: { $0.session == sessionIndex && $0.stream == streamIndex }) {
                    result.fill(from: track.tracker, sent: track.sent, drift: track.drift)
                    if track.sendFailures > 0 {
                        result.error = "\(track.sendFailures) packets could not be protected or sent"
                    }
                }
                if let sessionError = session.error { result.error = sessionError }
                results.append(result)
            }
        }
        for stream in streams where stream.unreplayableReason != nil {
            var result = RTPReplayStreamResult(stream: stream, copy: 0, streamPath: nil)
            result.skipped = stream.unreplayableReason
            results.append(result)
        }
        var error = error
        if error == nil, !streams.isEmpty, streams.allSatisfy({ $0.unreplayableReason != nil }) {
            error = "no stream can be replayed: " + (streams.first?.unreplayableReason ?? "")
        }
        return RTPReplayReport(
            speed: options.speed, parallel: options.parallel, durationS: Double(clock() - began) / 1e9,
            drift: DriftStatistics(driftNanoseconds: allDrift), streams: results, error: error)
    }
}
