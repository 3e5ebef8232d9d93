/// Bytes from a hex literal as RFCs print them: spaces, colons and line breaks between digits are ignored.
/// A malformed literal is a bug in the test, so it stops loudly.
public func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter(\.isHexDigit))
    precondition(digits.count.isMultiple(of: 2), "odd number of hex digits in a test literal")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
