import Testing
@testable import ParleyRooms

@Suite("Room password comparison")
struct RoomPasswordTests {
    @Test("only the exact password matches: prefixes, extensions, repeats, case and absence do not")
    func exactMatchOnly() {
        #expect(RoomPassword.matches("open-sesame", "open-sesame"))
        #expect(RoomPassword.matches("ünïcødé 🔑", "ünïcødé 🔑"))
        #expect(RoomPassword.matches("", ""))
        for guess: String? in [
            nil, "", "open", "open-sesam", "open-sesamee", "OPEN-SESAME", "open-sesameopen-sesame",
            "open-sesame\u{0}",
        ] {
            #expect(!RoomPassword.matches(guess, "open-sesame"), "\(String(describing: guess))")
        }
        // The stored password repeated to the guess's length must not pass (the loop indexes modulo its length).
        #expect(!RoomPassword.matches("abab", "ab"))
        #expect(!RoomPassword.matches("x", ""))
        #expect(!RoomPassword.matches(nil, ""))
    }
}
