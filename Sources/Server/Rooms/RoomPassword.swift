/// Room password checks that take the same time whatever the stored password is, so response timing does not
/// reveal how many leading characters a guess got right.
enum RoomPassword {
    /// Whether `presented` equals `stored`. The loop runs over the presented bytes only (their length is the
    /// guesser's own) and never exits early; a length mismatch is folded into the result, not branched on.
    static func matches(_ presented: String?, _ stored: String) -> Bool {
        guard let presented else { return false }
        let guess = Array(presented.utf8)
        let secret = Array(stored.utf8)
        var difference = UInt64(truncatingIfNeeded: guess.count ^ secret.count)
        guard !secret.isEmpty else { return difference == 0 }
        for index in guess.indices {
            difference |= UInt64(guess[index] ^ secret[index % secret.count])
        }
        return difference == 0
    }
}
