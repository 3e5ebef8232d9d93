#if canImport(Glibc)
    import Glibc
#endif

/// When the kernel queued a datagram on a client's socket, in the run's own clock.
///
/// With hundreds of players on one runner loop, the time a datagram is read includes the runner's work on every
/// datagram read before it (SRTP, ICE, DTLS of other players): the runner's load, not the target's. Linux stamps
/// each received packet as it enters the receive path (`net_timestamp_check` in `netif_rx`, loopback included)
/// once a socket asked for it, and `ioctl(SIOCGSTAMPNS)` returns the stamp of the last datagram read from that
/// socket (socket(7), "SIOCGSTAMP"). NIO reads one datagram per `recvmsg` and hands it on at once, so the stamp
/// read in `channelRead` is that datagram's. The stamp is CLOCK_REALTIME: the run converts the datagram's age
/// (now minus the stamp, both realtime) into its own clock as `clock() - age`, so no clock base is mixed.
enum KernelArrivalTime {
    /// The method as the report names it.
    #if os(Linux)
        static let method = "kernel receive timestamp of the player's socket (SIOCGSTAMPNS)"
    #else
        static let method = "read time on the runner's loop"
    #endif

    #if os(Linux)
        /// SIOCGSTAMPNS_OLD of asm-generic/sockios.h: a `struct timespec` of two longs, which is also the 64-bit
        /// layout SIOCGSTAMPNS_NEW fills (the header's macro picks by `sizeof(struct timespec)`, which Swift cannot
        /// import).
        static let request: UInt = 0x8907
    #endif

    /// A non-blocking, close-on-exec UDP socket bound to 127.0.0.1:0 with receive stamps switched on, for NIO to
    /// adopt (`DatagramBootstrap.withBoundSocket`); nil where the kernel offers no such stamps (the caller binds
    /// through NIO and reads its clock instead).
    static func loopbackSocket() -> CInt? {
        #if os(Linux)
            let fd = socket(
                AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return nil }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                close(fd)
                return nil
            }
            // The first request switches stamping on for the socket (sock_enable_timestamp); with nothing read yet it
            // fails with ENOENT, which is expected. The stack starts stamping a moment later (a deferred static key):
            // a datagram before that has no stamp, and the request then returns the read time (age 0).
            var stamp = timespec()
            _ = ioctl(fd, request, &stamp)
            return fd
        #else
            return nil
        #endif
    }

    /// Nanoseconds since the kernel queued the datagram last read from `fd`; nil when the socket has no stamp.
    static func age(ofLastDatagramOn fd: CInt) -> UInt64? {
        #if os(Linux)
            var stamp = timespec()
            guard ioctl(fd, request, &stamp) == 0 else { return nil }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let stamped = Int64(stamp.tv_sec) * 1_000_000_000 + Int64(stamp.tv_nsec)
            let current = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
            // A realtime step between the two readings could make the difference negative: no age then.
            return current >= stamped ? UInt64(current - stamped) : 0
        #else
            return nil
        #endif
    }

    /// The arrival time of the datagram just read from `fd` in `clock`'s base: the read time minus its age.
    static func arrival(ofLastDatagramOn fd: CInt?, clock: () -> UInt64) -> UInt64 {
        let now = clock()
        guard let fd, let age = age(ofLastDatagramOn: fd) else { return now }
        return now - min(age, now)
    }
}
