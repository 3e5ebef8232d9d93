import NIOCore

extension MediaPlane {
    /// Writes one fan-out slice with one sendmmsg (FanOutSocket), after whatever the peers queued before it so
    /// the order holds. Datagrams the socket cannot take now (send buffer full) go through NIO, which queues
    /// them until the socket is writable.
    func send(fanOutSlice slice: ByteBuffer, slots: [(address: SocketAddress, start: Int, length: Int)]) {
        flush()
        let sent = fanOutSocket.value.send(slice, slots: slots[...])
        guard sent < slots.count else { return }
        for slot in slots[sent...] {
            guard let datagram = slice.getSlice(at: slot.start, length: slot.length) else { continue }
            channel.write(AddressedEnvelope(remoteAddress: slot.address, data: datagram), promise: nil)
        }
        channel.flush()
    }
}
