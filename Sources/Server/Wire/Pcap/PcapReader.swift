import CPcap

/// Reads pcap (and pcapng) files through pcap_open_offline; timestamps come as microseconds.
/// Not thread-safe: confine to one task or actor.
///
/// Only tests read capture files today. It stays in ParleyWire beside the record codec it reads into
/// (``CapturedUDPDatagram``), so the pcap format and the one CPcap binding live in one module.
public final class PcapReader: Sequence, IteratorProtocol {
    public let linkType: PcapLinkType
    private var handle: OpaquePointer?
    /// Set when reading stopped on a damaged file rather than at its end.
    public private(set) var error: PcapError?

    public init(path: String) throws {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline(path, &errorBuffer) else {
            throw PcapError(
                "pcap_open_offline(\(path)): \(String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
            )
        }
        self.handle = handle
        self.linkType = PcapLinkType(rawValue: pcap_datalink(handle))
    }

    deinit { close() }

    /// The next record; nil at the end of the file or on a damaged record (then `error` says why).
    public func next() -> PcapRecord? {
        guard let handle else { return nil }
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        let result = pcap_next_ex(handle, &header, &data)
        guard result == 1, let header else {
            if result == PCAP_ERROR { error = PcapError(String(cString: pcap_geterr(handle))) }
            close()
            return nil
        }
        let length = Int(header.pointee.caplen)
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
        let timestamp = PcapTimestamp(
            seconds: Int64(header.pointee.ts.tv_sec),
            microseconds: Int32(clamping: header.pointee.ts.tv_usec))
        return PcapRecord(
            timestamp: timestamp, bytes: bytes, originalLength: Int(header.pointee.len),
            linkType: linkType)
    }

    /// Every remaining record; throws if the file turns out damaged.
    public func readAll() throws -> [PcapRecord] {
        var records: [PcapRecord] = []
        while let record = next() { records.append(record) }
        if let error { throw error }
        return records
    }

    public func close() {
        guard let handle else { return }
        pcap_close(handle)
        self.handle = nil
    }
}
