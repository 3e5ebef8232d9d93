import Foundation
import ParleyCrypto
import ParleyMedia
import ParleyWire

/// The browser side of a session, in virtual time: an ICE controlling agent reduced to its checks, a DTLS client
/// (it offers actpass and the server answers passive) and SRTP. Built from the same ParleyMedia parts.
final class TestClient {
    let address: STUNAddress
    let credentials = ICECredentials.random()
    let context: DTLSContext
    let payloadType: UInt8
    var dtls: DTLSEndpoint?
    var outbound: SRTPContext?
    var inbound: SRTPContext?
    var serverCredentials: ICECredentials?
    var answer: SessionDescription?
    var stunResponses: [STUNMessage] = []
    var receivedRTP: [RTPPacket] = []
    var receivedRTCP: [RTCPPacket] = []
    var sentSequence: UInt16 = 1000
    var sentTimestamp: UInt32 = 50_000
    var videoSequence: UInt16 = 30_000
    var videoTimestamp: UInt32 = 7_000_000

    init(port: UInt16, payloadType: UInt8 = 111) throws {
        guard let ip = IPAddress("127.0.0.1") else { throw TestFailure("no loopback") }
        address = STUNAddress(ip: ip, port: port)
        context = try DTLSContext.ephemeral(commonName: "test-client")
        self.payloadType = payloadType
    }

    var isConnected: Bool { dtls?.state == .connected && outbound != nil }

    /// A WHIP (`sendonly`) or WHEP (`recvonly`) offer shaped like aiortc's: an audio section (mid 0) unless
    /// `audio` is false, and a video section (mid 1) with `video`'s formats and lines when given.
    func offer(
        direction: String, rtcpMux: Bool = true, codec: String = "opus/48000/2", audio: Bool = true,
        video: VideoOffer? = nil
    ) throws -> SessionDescription {
        let transport = [
            "a=ice-ufrag:\(credentials.ufrag)", "a=ice-pwd:\(credentials.pwd)",
            "a=fingerprint:\(context.fingerprint.sdpValue)", "a=setup:actpass",
        ]
        var lines = ["v=0", "o=- 3900000000 1 IN IP4 0.0.0.0", "s=-", "t=0 0"]
        lines.append("a=group:BUNDLE" + (audio ? " 0" : "") + (video != nil ? " 1" : ""))
        lines.append("a=msid-semantic:WMS *")
        if audio {
            lines +=
                [
                    "m=audio \(address.port) UDP/TLS/RTP/SAVPF \(payloadType) 0", "c=IN IP4 127.0.0.1",
                    "a=\(direction)", "a=mid:0", rtcpMux ? "a=rtcp-mux" : nil,
                    "a=rtpmap:\(payloadType) \(codec)", "a=rtpmap:0 PCMU/8000",
                ].compactMap { $0 } + transport
            lines.append("a=candidate:1 1 udp 2130706431 127.0.0.1 \(address.port) typ host")
        }
        if let video {
            lines +=
                [
                    "m=video \(address.port) UDP/TLS/RTP/SAVPF "
                        + video.payloadTypes.map(String.init).joined(separator: " "),
                    "c=IN IP4 127.0.0.1", "a=\(direction)", "a=mid:1", "a=rtcp-mux",
                ] + video.lines + transport
        }
        return try SessionDescription.parse(lines.joined(separator: "\r\n") + "\r\n")
    }

    /// Reads the server's credentials and fingerprint from the answer and starts DTLS as client.
    func accept(answer text: String, now: MediaTime) throws {
        let answer = try SessionDescription.parse(text)
        self.answer = answer
        guard let section = answer.media.first(where: { $0.port != 0 }),
            let credentials = answer.iceCredentials(for: section),
            let fingerprint = answer.fingerprints(for: section).first,
            let expected = CertificateFingerprint(sdp: "\(fingerprint.hashFunction) \(fingerprint.hexValue)")
        else { throw TestFailure("answer lacks credentials or fingerprint") }
        serverCredentials = ICECredentials(ufrag: credentials.ufrag, pwd: credentials.pwd)
        dtls = try DTLSEndpoint(context: context, role: .client, remoteFingerprints: [expected], now: now)
    }

    /// RFC 8445 §7.2.2 check: USERNAME, PRIORITY, ICE-CONTROLLING, [USE-CANDIDATE], MI with the server's pwd.
    func bindingRequest(
        useCandidate: Bool, password: String? = nil, username: String? = nil,
        controlled: Bool = false, fingerprint: Bool = true
    ) -> [UInt8] {
        let server = serverCredentials ?? ICECredentials(ufrag: "none", pwd: "none")
        var attributes: [STUNAttribute] = [
            .username(username ?? "\(server.ufrag):\(credentials.ufrag)"),
            .priority(ICECandidate.priority(typePreference: 110, localPreference: 65_535, component: 1)),
            controlled ? .iceControlled(tieBreaker: 7) : .iceControlling(tieBreaker: 7),
        ]
        if useCandidate { attributes.append(.useCandidate) }
        let request = STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: attributes)
        return request.encode(
            integrityKey: STUNIntegrity.shortTermKey(password: password ?? server.pwd),
            fingerprint: fingerprint)
    }

    func handle(_ datagram: [UInt8], now: MediaTime) {
        switch PacketKind.classify(datagram) {
        case .stun:
            if let message = try? STUNMessage.parse(datagram) { stunResponses.append(message) }
        case .dtls:
            guard let dtls else { return }
            for event in dtls.handle(datagram: datagram, now: now) {
                if case .connected(let material) = event,
                    let pair = try? SRTPContext.pair(for: material, role: .client)
                {
                    outbound = pair.outbound
                    inbound = pair.inbound
                }
            }
        case .rtpOrRTCP:
            if let inbound, RTPOrRTCP.classify(datagram) == .rtcp,
                let plain = try? inbound.unprotectRTCP(datagram), let packets = try? RTCPCompound.parse(plain)
            {
                receivedRTCP += packets
                return
            }
            guard let inbound, RTPOrRTCP.classify(datagram) == .rtp,
                let plain = try? inbound.unprotectRTP(datagram),
                let packet = try? RTPPacket.parse(plain)
            else { return }
            receivedRTP.append(packet)
        case .unknown:
            break
        }
    }

    func pollDTLS() -> [UInt8]? { dtls?.pollOutput() }

    /// The next Opus-like packet (20 ms), protected.
    func nextProtectedRTP(ssrc: UInt32 = 0x1234_5678, payload: [UInt8]? = nil) throws -> [UInt8] {
        guard let outbound else { throw TestFailure("not connected") }
        sentSequence &+= 1
        sentTimestamp &+= 960
        let packet = RTPPacket(
            payloadType: payloadType, sequenceNumber: sentSequence, timestamp: sentTimestamp,
            ssrc: ssrc, payload: payload ?? Array("opus frame \(sentSequence)".utf8))
        return try outbound.protectRTP(packet.encode())
    }

    /// The next video packet (one 30 fps frame per packet: +3000 at 90 kHz), protected.
    func nextProtectedVideo(ssrc: UInt32 = 0x0BAD_CAFE, payloadType: UInt8 = 97, keyframe: Bool = true) throws
        -> [UInt8]
    {
        guard let outbound else { throw TestFailure("not connected") }
        videoSequence &+= 1
        videoTimestamp &+= 3000
        let packet = RTPPacket(
            payloadType: payloadType, sequenceNumber: videoSequence, timestamp: videoTimestamp,
            ssrc: ssrc, payload: Self.videoPayload(videoSequence, keyframe: keyframe))
        return try outbound.protectRTP(packet.encode())
    }

    /// A VP8-shaped payload that starts a keyframe (RFC 7741 §4.2 descriptor S=1 PID=0, frame tag P=0), so a new
    /// player's video starts at once; `keyframe: false` sets P (an interframe).
    static func videoPayload(_ sequence: UInt16, keyframe: Bool = true) -> [UInt8] {
        [0x10, keyframe ? 0x00 : 0x01] + Array("video frame \(sequence)".utf8)
    }

    /// A protected RTCP compound (e.g. a PLI from a player).
    func protectedRTCP(_ packets: [RTCPPacket]) throws -> [UInt8] {
        guard let outbound else { throw TestFailure("not connected") }
        return try outbound.protectRTCP(RTCPCompound.serialize(packets))
    }

    /// The SSRC the answer declares for `kind` (what a WHEP player receives).
    func declaredSSRC(_ kind: String) -> UInt32? {
        answer?.media.first { $0.kind == kind && $0.port != 0 && $0.direction != .inactive }?.ssrcs.first?.ssrc
    }
}

/// The video section of a test offer: its m= formats and its attribute lines.
struct VideoOffer {
    var payloadTypes: [UInt8]
    var lines: [String]

    /// VP8 on `payloadType` with RTX on `payloadType + 1` and the usual feedback (aiortc/Chrome shape).
    static func vp8(_ payloadType: UInt8 = 97) -> VideoOffer {
        VideoOffer(
            payloadTypes: [payloadType, payloadType + 1],
            lines: [
                "a=rtpmap:\(payloadType) VP8/90000", "a=rtcp-fb:\(payloadType) nack",
                "a=rtcp-fb:\(payloadType) nack pli",
                "a=rtcp-fb:\(payloadType) ccm fir", "a=rtcp-fb:\(payloadType) goog-remb",
                "a=rtcp-fb:\(payloadType) transport-cc", "a=rtpmap:\(payloadType + 1) rtx/90000",
                "a=fmtp:\(payloadType + 1) apt=\(payloadType)",
            ])
    }

    /// H264 packetization-mode 1 with `profileLevelID` on `payloadType`.
    static func h264(_ payloadType: UInt8 = 102, profileLevelID: String = "42e01f") -> VideoOffer {
        VideoOffer(
            payloadTypes: [payloadType],
            lines: [
                "a=rtpmap:\(payloadType) H264/90000", "a=rtcp-fb:\(payloadType) nack pli",
                "a=fmtp:\(payloadType) level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=\(profileLevelID)",
            ])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
