import ParleyCrypto
import ParleyWire

/// A datagram the peer wants sent, and where to.
public typealias PeerTransmit = ICETransmit

public enum PeerEvent: Sendable, Hashable {
    /// Media now goes to this address (ICE selection).
    case selected(STUNAddress)
    /// DTLS finished with the expected fingerprint and SRTP is keyed: media may flow.
    case connected(SRTPProfile)
    /// A decrypted RTP packet.
    case rtp([UInt8])
    /// A decrypted RTCP compound packet.
    case rtcp([UInt8])
    /// An SRTP/SRTCP packet failed authentication or replay checks and was dropped.
    case srtpRejected(SRTPError)
    /// The peer is gone: consent expired, DTLS failed or the peer sent close_notify.
    case closed(String)
}

public enum PeerState: Sendable, Hashable {
    case connecting
    case connected
    case closed(String)
}

/// The server side of one WebRTC transport: ICE-lite, DTLS server (we answer `a=setup:passive`) and SRTP on one
/// 5-tuple family, demultiplexed by the first byte (RFC 7983 §7). Sans-IO like its parts: feed datagrams and
/// timeouts, drain `pollOutput()`. Not thread-safe: confine to one event loop.
public final class PeerConnection {
    public let ice: ICELiteAgent
    public let dtls: DTLSEndpoint
    public private(set) var state: PeerState = .connecting {
        didSet { isConnected = state == .connected }
    }
    /// `state == .connected`, kept as a flag: the fan-out asks it for every player of every packet.
    public private(set) var isConnected = false
    public private(set) var profile: SRTPProfile?
    var outbound: SRTPContext?
    var inbound: SRTPContext?
    /// Where DTLS replies go: the validated address the last handshake datagram came from.
    var dtlsAddress: STUNAddress?
    var outbox: [PeerTransmit] = []
    /// Debug capture: sees every RTP/RTCP packet in the clear. Nil (one check per packet) unless a capture runs.
    public var plaintextTap: ((PlaintextPacket) -> Void)?
    /// False for a receive-only peer (a WHEP player, RFC 3264 §6.1 recvonly): it sends RTCP only, so its RTP is
    /// dropped unread and its inbound SRTP context holds no RTP state.
    public let receivesRTP: Bool

    public init(
        localCredentials: ICECredentials, remoteUfrag: String?, dtlsContext: DTLSContext,
        remoteFingerprints: [CertificateFingerprint], now: MediaTime,
        consentTimeout: Duration = .seconds(30), receivesRTP: Bool = true
    ) throws {
        self.receivesRTP = receivesRTP
        ice = ICELiteAgent(
            localCredentials: localCredentials, remoteUfrag: remoteUfrag, now: now,
            consentTimeout: consentTimeout)
        dtls = try DTLSEndpoint(context: dtlsContext, role: .server, remoteFingerprints: remoteFingerprints, now: now)
    }

    public var selectedAddress: STUNAddress? { ice.selectedAddress }

    /// True when `address` passed an ICE check: the only sources whose DTLS and SRTP are accepted.
    public func accepts(from address: STUNAddress) -> Bool { ice.isValidated(address) }

    @discardableResult
    public func handle(datagram: [UInt8], from source: STUNAddress, now: MediaTime) -> [PeerEvent] {
        if case .closed = state { return [] }
        return demultiplex(datagram, from: source, now: now)
    }

    func demultiplex(_ datagram: [UInt8], from source: STUNAddress, now: MediaTime) -> [PeerEvent] {
        switch PacketKind.classify(datagram) {
        case .stun:
            let events = ice.handle(stun: datagram, from: source, now: now)
            drainICE()
            return events.compactMap { if case .selected(let address) = $0 { .selected(address) } else { nil } }
        case .dtls:
            // Chrome's ClientHello arrives right after the first check, before nomination: any validated address.
            guard ice.isValidated(source) else { return [] }
            dtlsAddress = source
            let events = dtls.handle(datagram: datagram, now: now)
            drainDTLS()
            return events.flatMap(dtlsEvent)
        case .rtpOrRTCP:
            guard ice.isValidated(source) else { return [] }
            let events = unprotect(datagram)
            if let plaintextTap { tap(events, from: source, into: plaintextTap) }
            return events
        case .unknown:
            return []
        }
    }

    func dtlsEvent(_ event: DTLSEvent) -> [PeerEvent] {
        switch event {
        case .connected(let material):
            do {
                let pair = try SRTPContext.pair(for: material, role: .server, receivesRTP: receivesRTP)
                outbound = pair.outbound
                inbound = pair.inbound
                profile = material.profile
                state = .connected
                return [.connected(material.profile)]
            } catch {
                return close(reason: "SRTP keying failed: \(error)")
            }
        case .applicationData:
            return [] // no data channels (yet)
        case .failed(let reason):
            return close(reason: reason)
        case .closed:
            return close(reason: "peer sent DTLS close_notify")
        }
    }

    func unprotect(_ datagram: [UInt8]) -> [PeerEvent] {
        guard let inbound, let kind = RTPOrRTCP.classify(datagram) else { return [] }
        do {
            switch kind {
            case .rtp: return receivesRTP ? [.rtp(try inbound.unprotectRTP(datagram))] : []
            case .rtcp: return [.rtcp(try inbound.unprotectRTCP(datagram))]
            }
        } catch {
            return [.srtpRejected(error)]
        }
    }

    func tap(_ events: [PeerEvent], from source: STUNAddress, into tap: (PlaintextPacket) -> Void) {
        for event in events {
            switch event {
            case .rtp(let packet):
                tap(PlaintextPacket(direction: .received, isRTCP: false, bytes: packet, remote: source))
            case .rtcp(let packet):
                tap(PlaintextPacket(direction: .received, isRTCP: true, bytes: packet, remote: source))
            default: break
            }
        }
    }

    /// Protects and queues an RTP packet to the selected address; false when not connected or refused.
    @discardableResult
    public func send(rtp packet: [UInt8]) -> Bool {
        guard state == .connected, let outbound, let destination = ice.selectedAddress,
            let protected = try? outbound.protectRTP(packet)
        else { return false }
        outbox.append(PeerTransmit(bytes: protected, destination: destination))
        plaintextTap?(PlaintextPacket(direction: .sent, isRTCP: false, bytes: packet, remote: destination))
        return true
    }

    /// Where media goes now: the selected address once DTLS-SRTP is keyed, else nil (nothing may be sent).
    public var mediaDestination: STUNAddress? { isConnected && outbound != nil ? ice.selectedAddress : nil }

    /// Room the SRTP trailer needs after an RTP packet given to ``protect(rtpInPlace:length:)``: 16 bytes covers
    /// every profile offered (HMAC-SHA1-80 appends 10, AES-GCM 16).
    public static let rtpTrailerRoom = 16

    /// Protects the RTP packet in the first `length` bytes of `buffer` where it lies (the forwarding path's
    /// version of ``send(rtp:)``: the caller queues the datagram to ``mediaDestination``). Nil when not
    /// connected or libsrtp refused it.
    public func protect(rtpInPlace buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        guard isConnected, let outbound else { return nil }
        if let plaintextTap, let destination = ice.selectedAddress {
            plaintextTap(
                PlaintextPacket(
                    direction: .sent, isRTCP: false, bytes: Array(buffer.prefix(length)), remote: destination))
        }
        return try? outbound.protectRTP(inPlace: buffer, length: length)
    }

    @discardableResult
    public func send(rtcp packet: [UInt8]) -> Bool {
        guard state == .connected, let outbound, let destination = ice.selectedAddress,
            let protected = try? outbound.protectRTCP(packet)
        else { return false }
        outbox.append(PeerTransmit(bytes: protected, destination: destination))
        plaintextTap?(PlaintextPacket(direction: .sent, isRTCP: true, bytes: packet, remote: destination))
        return true
    }

    public func pollOutput() -> PeerTransmit? {
        outbox.isEmpty ? nil : outbox.removeFirst()
    }

    public func pollTimeout() -> MediaTime? {
        switch state {
        case .closed: return nil
        default:
            // Visited for every session on every tick: no array built.
            switch (ice.pollTimeout(), dtls.pollTimeout()) {
            case (let consent?, let retransmit?): return min(consent, retransmit)
            case (let consent?, nil): return consent
            case (nil, let retransmit): return retransmit
            }
        }
    }

    @discardableResult
    public func handleTimeout(now: MediaTime) -> [PeerEvent] {
        if case .closed = state { return [] }
        let iceEvents = ice.handleTimeout(now: now)
        if iceEvents.contains(.consentExpired) {
            return close(reason: "ICE consent expired")
        }
        dtls.handleTimeout(now: now)
        if case .failed(let reason) = dtls.state { return close(reason: reason) }
        drainDTLS()
        // The selected address lost consent (RFC 7675 §5.1) and media moved to another one that has it.
        return iceEvents.compactMap { if case .selected(let address) = $0 { .selected(address) } else { nil } }
    }

    /// ICE restart: new local credentials and the peer's new ufrag; DTLS and SRTP continue (RFC 8445 §9).
    public func restartICE(localCredentials: ICECredentials, remoteUfrag: String?) {
        ice.restart(localCredentials: localCredentials, remoteUfrag: remoteUfrag)
    }

    /// Ends the session: close_notify to the peer (RFC 7675 §5.2 asks to stop sending), then nothing more.
    public func close(now: MediaTime) {
        if case .closed = state { return }
        dtls.close(now: now)
        drainDTLS()
        state = .closed("closed locally")
    }

    func close(reason: String) -> [PeerEvent] {
        state = .closed(reason)
        outbound = nil
        inbound = nil
        return [.closed(reason)]
    }

    func drainICE() {
        while let transmit = ice.pollOutput() { outbox.append(transmit) }
    }

    func drainDTLS() {
        // Only to an address that still has consent.
        let handshakeAddress = dtlsAddress.flatMap { ice.isValidated($0) ? $0 : nil }
        guard let destination = handshakeAddress ?? ice.selectedAddress else {
            while dtls.pollOutput() != nil {}
            return
        }
        while let datagram = dtls.pollOutput() {
            outbox.append(PeerTransmit(bytes: datagram, destination: destination))
        }
    }
}
