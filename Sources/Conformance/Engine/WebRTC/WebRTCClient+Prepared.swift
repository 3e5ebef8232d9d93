extension WebRTCClient {
    /// Protects and sends an RTP packet built elsewhere (`parley-conform replay`: a rewritten captured packet).
    /// False when the session is not connected or SRTP refused the packet. The sender-report counters follow it
    /// (RFC 3550 §6.4.1), and the audio timestamp too, so the next SR describes what was sent.
    @discardableResult
    func sendPrepared(_ packet: [UInt8], payloadLength: Int) -> Bool {
        guard phase == .connected, let srtp, let remoteAddress,
            let protected = try? srtp.protectRTP(packet)
        else { return false }
        if packet.count >= 12,
            UInt32(packet[8]) << 24 | UInt32(packet[9]) << 16 | UInt32(packet[10]) << 8 | UInt32(packet[11]) == ssrc
        {
            timestamp = UInt32(packet[4]) << 24 | UInt32(packet[5]) << 16 | UInt32(packet[6]) << 8 | UInt32(packet[7])
        }
        sentPackets &+= 1
        sentOctets &+= UInt32(truncatingIfNeeded: payloadLength)
        write(protected, to: remoteAddress)
        return true
    }
}
