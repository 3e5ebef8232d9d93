import ParleyMedia
import ParleyWire

extension MediaPlaneCore {
    /// One received datagram (RFC 7983 demultiplexing happens in the peer).
    func handle(datagram: [UInt8], from source: STUNAddress, now: MediaTime) {
        guard let session = route(datagram, from: source) else { return }
        let events = session.peer.handle(datagram: datagram, from: source, now: now)
        if session.peer.accepts(from: source), sessionByAddress[source] != session.id {
            sessionByAddress[source] = session.id
            session.addresses.insert(source)
            if session.addresses.count > ICELiteAgent.maxValidatedAddresses { forgetStaleAddresses(of: session) }
        }
        drain(session)
        process(events, of: session, now: now)
    }

    /// By source address, then (STUN only) by the local ufrag before the ':' in USERNAME (RFC 8445 §7.3).
    func route(_ datagram: [UInt8], from source: STUNAddress) -> SFUSession? {
        if let id = sessionByAddress[source], let session = sessions[id] {
            // A different session's check from a reused address must still reach that session.
            if PacketKind.classify(datagram) == .stun, let other = sessionForUsername(datagram), other !== session {
                return other
            }
            return session
        }
        guard PacketKind.classify(datagram) == .stun else { return nil }
        return sessionForUsername(datagram)
    }

    /// Routes of addresses that lost consent, so a peer cycling its source port cannot grow the table.
    func forgetStaleAddresses(of session: SFUSession) {
        for address in session.addresses where !session.peer.accepts(from: address) {
            session.addresses.remove(address)
            if sessionByAddress[address] == session.id { sessionByAddress[address] = nil }
        }
    }

    func sessionForUsername(_ datagram: [UInt8]) -> SFUSession? {
        guard let message = try? STUNMessage.parse(datagram), let username = message.username,
            let ufrag = username.split(separator: ":", maxSplits: 1).first,
            let id = sessionByUfrag[String(ufrag)]
        else { return nil }
        return sessions[id]
    }

    func process(_ events: [PeerEvent], of session: SFUSession, now: MediaTime) {
        for event in events {
            switch event {
            case .rtp(let packet):
                session.receivedPackets += 1
                if session.kind == .publisher {
                    recordReception(packet, of: session, now: now)
                    forward(packet, from: session, now: now)
                }
            case .rtcp(let packet):
                // Terminated per leg (never forwarded); an SR feeds the LSR/DLSR of our Receiver Reports.
                receivedRTCP(packet, of: session, now: now)
            case .srtpRejected(let error):
                droppedSRTPPackets += 1
                metrics.srtpDropped.increment()
                logger.debug("SRTP packet dropped", metadata: ["session": "\(session.id)", "error": "\(error)"])
            case .connected(let profile):
                markConnected(session)
                logger.info(
                    "webrtc session connected",
                    metadata: [
                        "session": "\(session.id)",
                        "srtp": "\(profile.suiteName)",
                    ])
            case .selected(let address):
                logger.debug("ICE selected", metadata: ["session": "\(session.id)", "address": "\(address)"])
            case .closed(let reason):
                close(session.id, now: now, reason: reason)
            }
        }
    }

    /// Fan-out of one publisher packet to every connected subscriber of its path.
    func forward(_ packet: [UInt8], from publisher: SFUSession, now: MediaTime) {
        guard let subscribers = subscribersByPath[publisher.path], !subscribers.isEmpty,
            let parsed = try? RTPPacket.parse(packet)
        else { return }
        for id in subscribers {
            guard let subscriber = sessions[id], subscriber.peer.isConnected, var rewriter = subscriber.rewriter
            else { continue }
            let rewritten = rewriter.rewrite(parsed, now: now)
            subscriber.rewriter = rewriter
            if subscriber.peer.send(rtp: rewritten) { metrics.forwardedPackets.increment() }
            drain(subscriber)
        }
    }

    /// Runs every due timer (connect deadline, DTLS retransmission, consent expiry) and RTCP report, visiting
    /// each session once per tick.
    func tick(now: MediaTime) {
        for session in Array(sessions.values) {
            if let deadline = session.connectDeadline, deadline <= now {
                close(session.id, now: now, reason: "ICE and DTLS did not finish within \(limits.connectTimeout)")
                continue
            }
            if let deadline = session.peer.pollTimeout(), deadline <= now {
                let events = session.peer.handleTimeout(now: now)
                drain(session)
                process(events, of: session, now: now)
            }
            sendReportIfDue(session, now: now)
        }
    }

    func takeOutbox() -> [ICETransmit] {
        defer { outbox.removeAll(keepingCapacity: true) }
        return outbox
    }
}
