import NIOCore
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
        // A handshake datagram may have armed a retransmission timer, or finished the handshake.
        session.wakeAt = session.nextWake(now: now)
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
                if session.kind == .publisher { receivedMedia(packet, from: session, now: now) }
            case .rtcp(let packet):
                // Terminated per leg (never forwarded); an SR feeds the LSR/DLSR of our Receiver Reports.
                receivedRTCP(packet, of: session, now: now)
            case .srtpRejected(let error):
                droppedSRTPPackets += 1
                metrics.srtpDropped.increment()
                session.pathMetrics?.srtpFailures.increment()
                logger.debug("SRTP packet dropped", metadata: ["session": "\(session.id)", "error": "\(error)"])
            case .connected(let profile):
                markConnected(session)
                // A new video player starts on a keyframe only if the publisher is asked for one.
                if session.kind == .subscriber, session.outboundTracks.contains(where: { $0.kind == .video }) {
                    requestKeyframe(path: session.path, now: now)
                }
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

    /// A publisher's RTP: attributed to its track (an RFC 4588 retransmission is unwrapped into the packet it
    /// repairs), counted for Receiver Reports and REMB, kept in the track's history, then forwarded.
    func receivedMedia(_ packet: [UInt8], from publisher: SFUSession, now: MediaTime) {
        guard var header = try? RTPHeaderView(parsing: packet),
            let (index, isRetransmission) = publisher.publishedTrack(
                ssrc: header.ssrc, payloadType: header.payloadType)
        else { return }
        publisher.pathMetrics?.packetsIn.increment()
        publisher.pathMetrics?.bytesIn.increment(by: Int64(packet.count))
        publisher.bitrateEstimator?.received(bytes: packet.count)
        var packet = packet
        if isRetransmission {
            if publisher.publishedTracks[index].rtxSSRC == nil {
                publisher.publishedTracks[index].rtxSSRC = header.ssrc
            }
            // Only a repair of the current source is useful; padding-only RTX (bandwidth probes) has no OSN.
            guard let ssrc = publisher.publishedTracks[index].ssrc, let rtx = try? RTPPacket.parse(packet),
                let original = RTXPayload.decapsulate(
                    rtx, originalSSRC: ssrc, originalPayloadType: publisher.publishedTracks[index].codec.payloadType),
                !original.payload.isEmpty,
                isRepair(original.sequenceNumber, of: publisher.publishedTracks[index], now: now)
            else { return }
            packet = original.encode()
            guard let unwrapped = try? RTPHeaderView(parsing: packet) else { return }
            header = unwrapped
        }
        if publisher.publishedTracks[index].ssrc != header.ssrc {
            // A new source on this track (first packet, or the publisher restarted its sender): players re-base.
            nextSourceKey &+= 1
            publisher.publishedTracks[index].rebind(ssrc: header.ssrc, sourceKey: nextSourceKey)
        }
        publisher.publishedTracks[index].record(header, arrival: now)
        if publisher.publishedTracks[index].history != nil {
            detectUplinkLoss(header.sequenceNumber, publisher: publisher, track: index, now: now)
            publisher.publishedTracks[index].history?.insert(packet, sequence: header.sequenceNumber, arrival: now)
        }
        forward(packet, header: header, track: publisher.publishedTracks[index], from: publisher, now: now)
    }

    /// Runs every due timer (connect deadline, DTLS retransmission, consent expiry) and RTCP report. Only
    /// publishers (whose bitrate sampling runs every tick) and the sessions whose ``SFUSession/wakeAt`` has come
    /// are visited, so a tick over hundreds of idle players costs a comparison each, not their timers' work.
    func tick(now: MediaTime) {
        dueSessions.removeAll(keepingCapacity: true)
        for session in sessions.values where session.kind == .publisher || session.wakeAt <= now {
            dueSessions.append(session)
        }
        for session in dueSessions {
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
            if session.kind == .publisher { publisherTick(session, now: now) }
            session.wakeAt = session.nextWake(now: now)
        }
        dueSessions.removeAll(keepingCapacity: true)
    }

    /// A publisher's periodic work: bitrate samples for /api/streams and keyframe requests the throttle held.
    func publisherTick(_ publisher: SFUSession, now: MediaTime) {
        for index in publisher.publishedTracks.indices {
            publisher.publishedTracks[index].sampleBitrate(now: now, interval: Self.reportInterval)
            if publisher.publishedTracks[index].keyframeRequestPending {
                sendKeyframeRequest(publisher, track: index, now: now)
            }
        }
    }

    /// Hands every queued datagram to `write`, in order, and empties the queue keeping its storage (no
    /// reallocation per flush).
    func sendOutbox(_ write: (AddressedEnvelope<ByteBuffer>) -> Void) {
        for datagram in outbox { write(datagram) }
        outbox.removeAll(keepingCapacity: true)
    }
}
