import ParleyMedia

/// Decides which missing sequence numbers to ask for (or to resend) now: each at most once per `interval` (about
/// one round trip: asking again sooner only duplicates a retransmission already on its way) and at most
/// `maxAttempts` times in all (a packet still missing after that is not coming in time for playout).
///
/// Receivers repeat their NACKs — aiortc lists every missing packet again each time it sees a new gap — so one
/// player's list is deduplicated per player before the cache answers it, and what the cache cannot answer is
/// deduplicated per publisher track before it goes upstream, where several players' NACKs for the same loss meet.
/// State is a ring of `capacity` slots keyed by sequence number modulo the capacity: O(1) per sequence, bounded
/// memory; a slot is forgotten once `forgetAfter` passed since it was last asked, so a sequence number reused
/// after the 16-bit wrap starts afresh.
struct NACKRequestLimiter {
    private struct Slot {
        var sequence: UInt16
        var lastAsked: MediaTime
        var attempts: Int
    }

    let capacity: Int
    let maxAttempts: Int
    let forgetAfter: Duration
    private var slots: [Slot?]

    /// `capacity` is rounded up to a power of two within 16...65536.
    init(capacity: Int = 512, maxAttempts: Int = 3, forgetAfter: Duration = .seconds(3)) {
        var size = 16
        while size < min(capacity, 65_536) { size <<= 1 }
        self.capacity = size
        self.maxAttempts = maxAttempts
        self.forgetAfter = forgetAfter
        slots = Array(repeating: nil, count: size)
    }

    /// The sequence numbers of `missing` to act on now (in the given order, duplicates removed); each one
    /// returned counts as an attempt.
    mutating func admit(_ missing: [UInt16], interval: Duration, now: MediaTime) -> [UInt16] {
        var admitted = [UInt16]()
        for sequence in missing {
            let index = Int(sequence) & (capacity - 1)
            if var slot = slots[index], slot.sequence == sequence, slot.lastAsked.duration(to: now) < forgetAfter {
                guard slot.attempts < maxAttempts, slot.lastAsked.duration(to: now) >= interval else { continue }
                slot.attempts += 1
                slot.lastAsked = now
                slots[index] = slot
            } else {
                slots[index] = Slot(sequence: sequence, lastAsked: now, attempts: 1)
            }
            admitted.append(sequence)
        }
        return admitted
    }

    /// The wait between two requests for the same packet: one round trip plus a margin for the sender's
    /// processing, 100 ms while no round trip is known, kept within 20...500 ms.
    static func retryInterval(roundTrip: Duration?) -> Duration {
        guard let roundTrip else { return .milliseconds(100) }
        let padded = roundTrip * 5 / 4 + .milliseconds(5)
        return min(max(padded, .milliseconds(20)), .milliseconds(500))
    }
}
