import NIOCore
import NIOPosix
import ParleyWire

/// One WebRTC session of the runner (publisher or player) on one UDP socket: ICE (controlling) → DTLS client →
/// SRTP, then RTP out (publisher) or in (player) and RTCP receiver reports. Every method runs on the media loop
/// that owns it (`MediaLoop`); the unchecked Sendable only lets that loop's closures carry it.
public final class WebRTCClient: @unchecked Sendable {
    public enum Phase: Sendable, Hashable {
        case ice, dtls, connected
        case failed(String)
    }

    public let sending: Bool
    public let ssrc: UInt32
    public let ice: ICEControllingAgent
    public let dtls: DTLSClientSession
    public private(set) var phase: Phase = .ice
    public private(set) var srtp: SRTPClientSession?
    public private(set) var connectedAt: UInt64?
    public let payloadType: UInt8
    /// Receive statistics per source for receiver reports (RFC 3550 §6.4.1); players only.
    public private(set) var reception: [UInt32: ReceptionStatistics] = [:]
    /// VP8 (RFC 7741) next to Opus when both sides agreed on it.
    public let video: (ssrc: UInt32, payloadType: UInt8)?
    /// Called for each authenticated RTP packet a player receives: payload bytes and the arrival time.
    var onMedia: ((ArraySlice<UInt8>, UInt64) -> Void)?
    /// SRTP packets refused (authentication, replay) and datagrams of no known kind.
    public private(set) var srtpFailures = 0

    let channel: any Channel
    var remoteAddress: SocketAddress?
    var sequence: UInt16
    var timestamp: UInt32
    var sentPackets: UInt32 = 0
    var sentOctets: UInt32 = 0
    var nextReportAt: UInt64 = 0
    var videoSequence: UInt16 = 0
    var videoTimestamp: UInt32 = 0

    init(
        channel: any Channel, sending: Bool, ssrc: UInt32, payloadType: UInt8, ice: ICEControllingAgent,
        dtls: DTLSClientSession, video: (ssrc: UInt32, payloadType: UInt8)? = nil
    ) {
        self.video = video
        self.channel = channel
        self.sending = sending
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.ice = ice
        self.dtls = dtls
        sequence = UInt16(truncatingIfNeeded: ssrc >> 7)
        timestamp = ssrc &* 2_654_435_761
    }

    /// Timers: ICE checks and consent, DTLS retransmission, one RTCP report a second.
    func tick(now: UInt64) {
        if let (bytes, destination) = ice.poll(now: now) { send(bytes, to: destination) }
        switch ice.state {
        case .failed(let reason):
            if case .failed = phase {} else { phase = .failed("ICE: \(reason)") }
            return
        case .connected(let selected) where phase == .ice:
            remoteAddress = try? SocketAddress(ipAddress: selected.ip.description, port: Int(selected.port))
            phase = .dtls
            dtls.start()
            flushDTLS()
        default:
            break
        }
        if phase == .dtls {
            dtls.handleTimeout()
            flushDTLS()
            checkDTLS(now: now)
        }
        if phase == .connected, now >= nextReportAt {
            nextReportAt = now + 1_000_000_000
            sendReport(now: now)
        }
    }

    /// One datagram from the socket, demultiplexed by its first byte (RFC 7983 §7).
    func receive(_ bytes: [UInt8], from source: SocketAddress, now: UInt64) {
        guard let first = bytes.first else { return }
        switch first {
        case 0...3:
            guard let address = source.stunAddress, let reply = ice.handle(bytes, from: address, now: now) else {
                return
            }
            send(reply, to: address)
        case 20...63:
            guard phase == .dtls else { return }
            dtls.receive(bytes)
            flushDTLS()
            checkDTLS(now: now)
        case 128...191:
            guard let srtp, bytes.count >= 8 else { return }
            // RFC 5761 §4: packet types 192–223 in the second byte are RTCP.
            if (192...223).contains(bytes[1]) {
                if (try? srtp.unprotectRTCP(bytes)) == nil { srtpFailures += 1 }
                return
            }
            guard let plain = try? srtp.unprotectRTP(bytes), let header = try? RTPHeaderView(parsing: plain) else {
                srtpFailures += 1
                return
            }
            // Audio at 48 kHz (RFC 7587), video at 90 kHz (RFC 7741 §4.1): the jitter units follow the clock.
            let clockRate: UInt64 = header.payloadType == video?.payloadType ? 90_000 : 48_000
            reception[header.ssrc, default: ReceptionStatistics()].record(
                sequence: header.sequenceNumber, rtpTimestamp: header.timestamp, arrival: now, clockRate: clockRate)
            onMedia?(plain[header.payloadRange], now)
        default:
            srtpFailures += 1
        }
    }

    /// Sends one Opus frame (RFC 7587: timestamp advances 960 per 20 ms frame at 48 kHz).
    func sendFrame(_ payload: [UInt8]) {
        if let packet = protectedFrame(payload) { sendRaw(packet) }
    }

    /// The next Opus frame as an SRTP packet, counted as sent but not written (``sendRaw(_:)``), so `latency`
    /// can stamp the send time after the encryption and a handshake case can send it twice or change it first.
    func protectedFrame(_ payload: [UInt8]) -> [UInt8]? {
        guard phase == .connected, let srtp else { return nil }
        let packet = RTPPacket(
            marker: false, payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc,
            payload: payload)
        sequence &+= 1
        timestamp &+= 960
        guard let protected = try? srtp.protectRTP(packet.encode()), remoteAddress != nil else { return nil }
        sentPackets &+= 1
        sentOctets &+= UInt32(truncatingIfNeeded: payload.count)
        return protected
    }

    /// Sends one VP8 packet as a whole frame (marker set) with `ticks` of the 90 kHz clock since the last.
    func sendVideo(_ payload: [UInt8], ticks: UInt32) {
        if let packet = protectedVideo(payload, ticks: ticks) { sendRaw(packet) }
    }

    /// The next VP8 packet as an SRTP packet; nil before the session is up or without a video section.
    func protectedVideo(_ payload: [UInt8], ticks: UInt32) -> [UInt8]? {
        guard phase == .connected, let srtp, let video else { return nil }
        let packet = RTPPacket(
            marker: true, payloadType: video.payloadType, sequenceNumber: videoSequence, timestamp: videoTimestamp,
            ssrc: video.ssrc, payload: payload)
        videoSequence &+= 1
        videoTimestamp &+= ticks
        guard remoteAddress != nil else { return nil }
        return try? srtp.protectRTP(packet.encode())
    }

    func fail(_ reason: String) {
        if case .failed = phase { return }
        phase = .failed(reason)
    }

    // MARK: - internals

    func checkDTLS(now: UInt64) {
        switch dtls.state {
        case .handshaking:
            break
        case .failed(let reason):
            phase = .failed("DTLS: \(reason)")
        case .connected:
            guard let keys = dtls.keys else { return }
            do {
                srtp = try SRTPClientSession(keys: keys)
                phase = .connected
                connectedAt = now
                nextReportAt = now + 1_000_000_000
            } catch {
                phase = .failed("SRTP: \(error)")
            }
        }
    }

    /// RFC 3550 §6.4: a sender report from the publisher, a receiver report (with a report block once media
    /// arrived) from a player; SRTCP-protected (RFC 3711 §3.4).
    func sendReport(now: UInt64) {
        guard let srtp, let remoteAddress else { return }
        let packet: RTCPPacket
        if sending {
            packet = .senderReport(
                RTCPSenderReport(
                    ssrc: ssrc, ntpTimestamp: NTPTime.from(monotonic: now), rtpTimestamp: timestamp,
                    packetCount: sentPackets, octetCount: sentOctets))
        } else {
            var blocks: [RTCPReportBlock] = []
            for source in reception.keys.sorted().prefix(31) { // RC is 5 bits (RFC 3550 §6.4.2)
                if let block = reception[source]?.reportBlock(for: source) { blocks.append(block) }
            }
            packet = .receiverReport(RTCPReceiverReport(ssrc: ssrc, reports: blocks))
        }
        guard let protected = try? srtp.protectRTCP(RTCPCompound.serialize([packet])) else { return }
        write(protected, to: remoteAddress)
    }

    func flushDTLS() {
        guard let remoteAddress else { return }
        for datagram in dtls.takeOutput() { write(datagram, to: remoteAddress) }
    }

    func send(_ bytes: [UInt8], to address: STUNAddress) {
        guard let destination = try? SocketAddress(ipAddress: address.ip.description, port: Int(address.port)) else {
            return
        }
        write(bytes, to: destination)
    }

    func write(_ bytes: [UInt8], to destination: SocketAddress) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }
}

extension SocketAddress {
    /// The address as the STUN codec spells it; nil for a Unix socket.
    var stunAddress: STUNAddress? {
        guard let text = ipAddress, let ip = IPAddress(text), let port else { return nil }
        return STUNAddress(ip: ip, port: UInt16(port))
    }
}

/// NTP time for sender reports (RFC 3550 §4): the runner has only a monotonic clock per run, so it counts from
/// an arbitrary epoch; receivers use it only to echo LSR/DLSR.
enum NTPTime {
    static func from(monotonic nanoseconds: UInt64) -> UInt64 {
        let seconds = nanoseconds / 1_000_000_000
        let fraction = (nanoseconds % 1_000_000_000) << 32 / 1_000_000_000
        return seconds << 32 | fraction
    }
}
