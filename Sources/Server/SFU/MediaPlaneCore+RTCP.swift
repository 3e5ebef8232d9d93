import ParleyMedia
import ParleyWire

/// RTCP is terminated per leg (docs/interop.md §4): Receiver Reports to publishers, Sender Reports to
/// subscribers, each with an SDES CNAME (RFC 3550 §6.1 compound), about once a second (§6.2 for a small session).
extension MediaPlaneCore {
    static let reportInterval = Duration.seconds(1)

    func recordReception(_ packet: [UInt8], of session: SFUSession, now: MediaTime) {
        guard let header = try? RTPHeaderView(parsing: packet) else { return }
        if session.receiveStatistics?.ssrc == header.ssrc {
            session.receiveStatistics?.record(header, arrival: now)
        } else {
            session.receiveStatistics = ReceiveStatistics(first: header, arrival: now)
        }
    }

    func receivedRTCP(_ packet: [UInt8], of session: SFUSession, now: MediaTime) {
        guard let packets = try? RTCPCompound.parse(packet) else { return }
        for case .senderReport(let report) in packets where report.ssrc == session.receiveStatistics?.ssrc {
            session.receiveStatistics?.senderReportArrived(ntpTimestamp: report.ntpTimestamp, at: now)
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
        let description = RTCPPacket.sourceDescription(
            RTCPSourceDescription(chunks: [
                .init(source: session.reporterSSRC, items: [.cname(session.cname)])
            ]))
        var report: RTCPPacket?
        if var statistics = session.receiveStatistics {
            report = .receiverReport(
                RTCPReceiverReport(
                    ssrc: session.reporterSSRC,
                    reports: [statistics.reportBlock(now: now)]))
            session.receiveStatistics = statistics
        } else if let rewriter = session.rewriter, let last = rewriter.lastSent {
            // §6.4.1: the RTP timestamp of "now", extrapolated from the last packet sent at 48 kHz.
            let elapsed = last.at.duration(to: now)
            let ticks = elapsed.components.seconds * 48_000 + elapsed.components.attoseconds / 20_833_333_333_333
            report = .senderReport(
                RTCPSenderReport(
                    ssrc: rewriter.ssrc, ntpTimestamp: ntpTimestamp(now),
                    rtpTimestamp: last.timestamp &+ UInt32(truncatingIfNeeded: ticks),
                    packetCount: rewriter.packetsSent, octetCount: rewriter.octetsSent))
        }
        guard let report else { return }
        session.peer.send(rtcp: RTCPCompound.serialize([report, description]))
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
