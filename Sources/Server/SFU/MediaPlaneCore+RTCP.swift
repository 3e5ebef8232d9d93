import ParleyMedia
import ParleyWire

/// RTCP is terminated per leg (docs/interop.md §4): Receiver Reports to publishers (one block per track),
/// Sender Reports to subscribers (one per track sent), each compound with an SDES CNAME (RFC 3550 §6.1), about
/// once a second (§6.2 for a small session). Players' keyframe requests go on to the publisher.
extension MediaPlaneCore {
    static let reportInterval = Duration.seconds(1)

    func receivedRTCP(_ packet: [UInt8], of session: SFUSession, now: MediaTime) {
        guard let packets = try? RTCPCompound.parse(packet) else { return }
        for packet in packets {
            switch packet {
            case .senderReport(let report) where session.kind == .publisher:
                // An SR feeds the LSR/DLSR of our Receiver Reports.
                for index in session.publishedTracks.indices
                where session.publishedTracks[index].receiveStatistics?.ssrc == report.ssrc {
                    session.publishedTracks[index].receiveStatistics?.senderReportArrived(
                        ntpTimestamp: report.ntpTimestamp, at: now)
                }
            case .pictureLossIndication(let pli):
                receivedKeyframeRequest(mediaSSRCs: [pli.mediaSSRC], from: session, now: now)
            case .fullIntraRequest(let fir):
                receivedKeyframeRequest(mediaSSRCs: fir.entries.map(\.ssrc), from: session, now: now)
            default:
                break
            }
        }
    }

    func sendReportIfDue(_ session: SFUSession, now: MediaTime) {
        guard session.peer.isConnected else { return }
        guard let due = session.nextReport else {
            session.nextReport = now + Self.reportInterval
            return
        }
        guard now >= due else { return }
        session.nextReport = now + Self.reportInterval
        var reports: [RTCPPacket] = []
        var sources = [session.reporterSSRC]
        switch session.kind {
        case .publisher:
            var blocks: [RTCPReportBlock] = []
            for index in session.publishedTracks.indices {
                if let block = session.publishedTracks[index].receiveStatistics?.reportBlock(now: now) {
                    blocks.append(block)
                }
            }
            if !blocks.isEmpty { reports.append(.receiverReport(RTCPReceiverReport(ssrc: session.reporterSSRC, reports: blocks))) }
        case .subscriber:
            for track in session.outboundTracks {
                let rewriter = track.rewriter
                guard let last = rewriter.lastSent else { continue }
                // §6.4.1: the RTP timestamp of "now", extrapolated from the newest packet sent at the track's clock.
                let ticks = OutboundRewriter.ticks(last.at.duration(to: now), clockRate: rewriter.clockRate)
                reports.append(
                    .senderReport(
                        RTCPSenderReport(
                            ssrc: rewriter.ssrc, ntpTimestamp: ntpTimestamp(now),
                            rtpTimestamp: last.timestamp &+ UInt32(truncatingIfNeeded: ticks),
                            packetCount: rewriter.packetsSent, octetCount: rewriter.octetsSent)))
                if rewriter.ssrc != session.reporterSSRC { sources.append(rewriter.ssrc) }
            }
        }
        guard !reports.isEmpty else { return }
        let description = RTCPPacket.sourceDescription(
            RTCPSourceDescription(chunks: sources.map { .init(source: $0, items: [.cname(session.cname)]) }))
        session.peer.send(rtcp: RTCPCompound.serialize(reports + [description]))
        drain(session)
    }

    /// RFC 3550 §4: 32.32 fixed-point seconds since 1900.
    func ntpTimestamp(_ now: MediaTime) -> UInt64 {
        let unix = unixTimeAtZero + Double(now.nanoseconds) / 1e9
        let seconds = unix + 2_208_988_800
        guard seconds > 0, seconds < Double(UInt32.max) else { return 0 }
        let whole = UInt64(seconds)
        let fraction = UInt64((seconds - Double(whole)) * 4_294_967_296)
        return whole << 32 | fraction
    }
}
