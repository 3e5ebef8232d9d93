import CPcap

/// Writes a classic pcap file (microsecond timestamps) through libpcap's pcap_open_dead + pcap_dump_open.
/// Not thread-safe: confine to one task or actor.
public final class PcapWriter {
    public let linkType: PcapLinkType
    public let snapLength: Int
    private let handle: OpaquePointer
    private var dumper: OpaquePointer?

    public init(path: String, linkType: PcapLinkType, snapLength: Int = 65_535) throws {
        guard let handle = pcap_open_dead(linkType.rawValue, Int32(clamping: snapLength)) else {
            throw PcapError("pcap_open_dead(\(linkType)) failed")
        }
        guard let dumper = pcap_dump_open(handle, path) else {
            let message = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw PcapError("pcap_dump_open(\(path)): \(message)")
        }
        self.handle = handle
        self.dumper = dumper
        self.linkType = linkType
        self.snapLength = snapLength
    }

    deinit { close() }

    /// Appends one record; bytes beyond the snap length are cut, `originalLength` keeps the wire size.
    public func write(_ bytes: [UInt8], timestamp: PcapTimestamp, originalLength: Int? = nil) throws {
        guard let dumper else { throw PcapError("pcap writer is closed") }
        let captured = min(bytes.count, snapLength)
        var header = pcap_pkthdr()
        header.ts.tv_sec = Int(timestamp.seconds)
        header.ts.tv_usec = Int(timestamp.microseconds)
        header.caplen = UInt32(captured)
        header.len = UInt32(clamping: max(originalLength ?? bytes.count, captured))
        let storage = bytes.isEmpty ? [0] : bytes // pcap_dump needs a valid pointer even for 0 bytes
        storage.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // pcap_dump's first argument is the dumper disguised as `u_char *` (its callback signature).
            pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), &header, base)
        }
    }

    public func write(_ record: PcapRecord) throws {
        try write(record.bytes, timestamp: record.timestamp, originalLength: record.originalLength)
    }

    /// Flushes buffered records to the file.
    public func flush() throws {
        guard let dumper else { return }
        guard pcap_dump_flush(dumper) == 0 else { throw PcapError("pcap_dump_flush failed") }
    }

    /// Flushes and closes; later writes throw.
    public func close() {
        guard let dumper else { return }
        pcap_dump_close(dumper)
        pcap_close(handle)
        self.dumper = nil
    }
}
