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
                // An SR feeds the LSR/DLSR of our Receiver Reports and the players' translated SRs.
                for index in session.publishedTracks.indices
                where session.publishedTracks[index].receiveStatistics?.ssrc == report.ssrc {
                    session.publishedTracks[index].receiveStatistics?.senderReportArrived(
                        ntpTimestamp: report.ntpTimestamp, at: now)
                    session.publishedTracks[index].clockMapping = PublisherClockMapping(
                        ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp, arrival: now,
                        clockRate: session.publishedTracks[index].clockRate)
                }
            case .senderReport(let report):
                receivedReportBlocks(report.reports, from: session, now: now)
            case .receiverReport(let report):
                receivedReportBlocks(report.reports, from: session, now: now)
            case .genericNACK(let nack):
                receivedNACK(nack, from: session, now: now)
            case .receiverEstimatedMaximumBitrate(let remb):
                receivedBitrateEstimate(remb, from: session, now: now)
            case .pictureLossIndication(let pli):
                if session.kind == .subscriber { session.pathMetrics?.pictureLossIndications.increment() }
                receivedKeyframeRequest(mediaSSRCs: [pli.mediaSSRC], from: session, now: now)
            case .fullIntraRequest(let fir):
                if session.kind == .subscriber { session.pathMetrics?.fullIntraRequests.increment() }
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
        var feedback: [RTCPPacket] = []
        var sources = [session.reporterSSRC]
        switch session.kind {
        case .publisher:
            var blocks: [RTCPReportBlock] = []
            var videoLoss: UInt8?
            for index in session.publishedTracks.indices {
                if let block = session.publishedTracks[index].receiveStatistics?.reportBlock(now: now) {
                    blocks.append(block)
                    if session.publishedTracks[index].kind == .video { videoLoss = block.fractionLost }
                }
            }
            if !blocks.isEmpty {
                reports.append(.receiverReport(RTCPReceiverReport(ssrc: session.reporterSSRC, reports: blocks)))
            }
            if let remb = bitrateFeedback(session, fractionLost: videoLoss ?? blocks.first?.fractionLost ?? 0, now: now)
            {
                feedback.append(remb)
            }
        case .subscriber:
            for track in session.outboundTracks {
                guard let report = senderReport(for: track, of: session, now: now) else { continue }
                reports.append(.senderReport(report))
                if report.ssrc != session.reporterSSRC { sources.append(report.ssrc) }
            }
        }
        guard !reports.isEmpty else { return }
        let description = RTCPPacket.sourceDescription(
            RTCPSourceDescription(chunks: sources.map { .init(source: $0, items: [.cname(session.cname)]) }))
        // RFC 4585 §3.1: feedback follows the report and SDES in the compound.
        session.peer.send(rtcp: RTCPCompound.serialize(reports + [description] + feedback))
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
