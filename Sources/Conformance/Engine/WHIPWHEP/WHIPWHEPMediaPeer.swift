import COpus
import NIOCore
import NIOPosix
import ParleyWire

/// One real WebRTC peer of a case, built on the runner's own client (ICE controlling, DTLS client, SRTP): a WHIP
/// publisher sending distinct Opus frames (and VP8-shaped payloads when asked) every 20 ms, or a WHEP player that
/// counts, matches and decodes what arrives. Everything mutable lives on one event loop; callers read snapshots.
final class WHIPWHEPMediaPeer: @unchecked Sendable {
    /// What a player has received so far.
    struct Reception: Sendable {
        var audio = 0
        /// Audio payloads byte-identical to frames the publisher sent (an SFU forwards Opus unchanged).
        var audioMatched = 0
        var decodeFailures = 0
        var video = 0
        var lastArrival: UInt64 = 0
    }

    /// The media both ends of a case agree on: distinct Opus frames and VP8-shaped payloads.
    struct Media: Sendable {
        let audio: OpusFrameSource
        let video: VP8PayloadSource
        let audioSlots: Set<UInt64>
        let videoSlots: Set<UInt64>

        static func shared(_ context: CaseContext) async throws(CaseStop) -> Media {
            let media: Media? = await context.memo.value("whipwhep.media") {
                guard let audio = try? OpusFrameSource(count: 150) else { return nil }
                let video = VP8PayloadSource(count: 40, size: 300)
                return Media(
                    audio: audio, video: video, audioSlots: Set(audio.slots.keys),
                    videoSlots: Set(video.payloads.map { OpusFrameSource.fingerprint($0[...]) }))
            }
            guard let media else { throw .broken("runner set-up: libopus could not encode the test frames") }
            return media
        }
    }

    let endpoint: WHIPWHEPEndpoint
    let loop: any EventLoop
    let channel: any Channel
    let client: WebRTCClient
    let media: Media
    let sendsVideo: Bool
    /// The session URL from the 201.
    let session: String?
    let answer: String
    private var timer: RepeatedTask?
    // Loop-confined.
    private var reception = Reception()
    private var ticks = 0
    private var sentFrames = 0
    private var decoder: OpaquePointer?

    private init(
        endpoint: WHIPWHEPEndpoint, loop: any EventLoop, channel: any Channel, client: WebRTCClient, media: Media,
        sendsVideo: Bool, session: String?, answer: String
    ) {
        self.endpoint = endpoint
        self.loop = loop
        self.channel = channel
        self.client = client
        self.media = media
        self.sendsVideo = sendsVideo
        self.session = session
        self.answer = answer
    }

    var clock: @Sendable () -> UInt64 { { NIODeadline.now().uptimeNanoseconds } }

    /// Negotiates over WHIP (`endpoint.side == .whip`) or WHEP and starts ICE; `video` adds a bundled VP8 section
    /// (sent by a publisher, asked for by a player). A refusal or an unusable answer is a violation of `what`.
    static func open(
        _ endpoint: WHIPWHEPEndpoint, streamPath: String, video: Bool, dtls: DTLSClientContext
    ) async throws(CaseStop) -> WHIPWHEPMediaPeer {
        let media = try await Media.shared(endpoint.context)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let socket: ClientSocket
        do {
            socket = try await ClientSocket.bind(on: loop, clock: { NIODeadline.now().uptimeNanoseconds })
        } catch {
            throw .broken("runner set-up: no UDP socket: \(error)")
        }
        let channel = socket.channel
        let publishing = endpoint.side.publishing
        let ssrc = UInt32.random(in: 1...UInt32.max)
        let offer = socket.offer(
            fingerprint: dtls.fingerprint, sending: publishing, ssrc: ssrc, videoSSRC: video ? ssrc ^ 0x5A5A_5A5A : nil)
        let peer: WHIPWHEPMediaPeer
        do {
            let (response, _) = try await endpoint.post(streamPath: streamPath, body: offer.sdp)
            // Any 2xx with an answer will do here: the status itself is the HTTP cases' to judge.
            guard (200..<300).contains(response.status) else {
                throw CaseStop.violated(
                    expected: "\(endpoint.side.name) POST → 201 with an answer",
                    observed: "\(response.status) \(response.bodyText.prefix(200))")
            }
            let answer: ClientAnswer
            do { answer = try ClientAnswer(sdp: response.bodyText) } catch {
                throw CaseStop.violated(expected: "a usable SDP answer", observed: error.reason)
            }
            var videoTrack: (ssrc: UInt32, payloadType: UInt8)?
            if video, let pt = answer.vp8PayloadType { videoTrack = (ssrc ^ 0x5A5A_5A5A, pt) }
            let client: WebRTCClient
            do {
                client = try await socket.start(
                    answer: answer, context: dtls, sending: publishing, ssrc: ssrc, video: videoTrack,
                    timeoutScale: endpoint.context.options.timeoutScale)
            } catch {
                throw CaseStop.broken("runner set-up: DTLS session: \(error)")
            }
            peer = WHIPWHEPMediaPeer(
                endpoint: endpoint, loop: loop, channel: channel, client: client, media: media,
                sendsVideo: publishing && videoTrack != nil, session: endpoint.sessionPath(response),
                answer: response.bodyText)
        } catch let stop as CaseStop {
            try? await channel.close().get()
            throw stop
        } catch {
            try? await channel.close().get()
            throw .broken("harness: \(error)")
        }
        do {
            try await loop.submit {
                peer.client.onMedia = { payload, arrival in peer.arrived(payload, at: arrival) }
                peer.timer = loop.scheduleRepeatedTask(initialDelay: .milliseconds(5), delay: .milliseconds(5)) {
                    _ in peer.tick()
                }
            }.get()
        } catch {
            await peer.close()
            throw .broken("runner set-up: \(error)")
        }
        return peer
    }

    /// Waits until ICE and DTLS are done; a failure or a timeout is a violation (the target answered 201 but the
    /// session cannot carry media).
    func waitConnected() async throws(CaseStop) {
        let scale = endpoint.context.options.timeoutScale
        let deadline = clock() + UInt64(15 * scale * 1e9)
        var phase = WebRTCClient.Phase.ice
        while clock() < deadline {
            phase = (try? await loop.submit { self.client.phase }.get()) ?? .failed("the media loop stopped")
            switch phase {
            case .connected: return
            case .failed(let reason):
                throw .violated(expected: "ICE and DTLS complete after the 201", observed: reason)
            default: try? await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        throw .violated(expected: "ICE and DTLS complete within \(15 * scale) s", observed: "still \(phase)")
    }

    func snapshot() async -> Reception { (try? await loop.submit { self.reception }.get()) ?? Reception() }

    /// Waits until `enough` says the reception is enough, or `seconds` (scaled) pass; returns the last snapshot.
    func waitFor(seconds: Double, _ enough: @escaping @Sendable (Reception) -> Bool) async -> Reception {
        let deadline = clock() + UInt64(seconds * endpoint.context.options.timeoutScale * 1e9)
        var last = await snapshot()
        while clock() < deadline, !enough(last) {
            try? await Task.sleep(nanoseconds: 50_000_000)
            last = await snapshot()
        }
        return last
    }

    /// Stops the timer and closes the socket; the session resource is the case's to DELETE.
    func close() async {
        _ = try? await loop.submit {
            self.timer?.cancel()
            self.timer = nil
            if let decoder = self.decoder { opus_decoder_destroy(decoder) }
            self.decoder = nil
        }.get()
        try? await channel.close().get()
    }

    /// DELETEs the session (ignoring the answer) and closes.
    func end() async {
        if let session { _ = try? await endpoint.delete(session) }
        await close()
    }

    // MARK: - on the loop

    private func tick() {
        ticks += 1
        let now = clock()
        // One Opus frame per 20 ms (RFC 7587) and a VP8 payload every 100 ms from a connected publisher.
        if client.sending, client.phase == .connected, ticks % 4 == 0 {
            client.sendFrame(media.audio.frames[sentFrames % media.audio.frames.count])
            if sendsVideo, sentFrames % 5 == 0 {
                client.sendVideo(media.video.payloads[(sentFrames / 5) % media.video.payloads.count], ticks: 9_000)
            }
            sentFrames += 1
        }
        if ticks % 4 == 0 { client.tick(now: now) }
    }

    private func arrived(_ payload: ArraySlice<UInt8>, at arrival: UInt64) {
        reception.lastArrival = arrival
        let key = OpusFrameSource.fingerprint(payload)
        if media.videoSlots.contains(key) {
            reception.video += 1
            return
        }
        reception.audio += 1
        if media.audioSlots.contains(key) { reception.audioMatched += 1 }
        if decoder == nil {
            var error: Int32 = 0
            decoder = opus_decoder_create(48_000, 2, &error)
            if error != OPUS_OK { decoder = nil }
        }
        guard let decoder else { return }
        // 120 ms of stereo at 48 kHz is the largest Opus packet (RFC 6716 §3.2.5).
        var pcm = [Int16](repeating: 0, count: 5_760 * 2)
        let samples = payload.withUnsafeBufferPointer { bytes in
            opus_decode(decoder, bytes.baseAddress, Int32(bytes.count), &pcm, 5_760, 0)
        }
        if samples <= 0 { reception.decodeFailures += 1 }
    }
}
