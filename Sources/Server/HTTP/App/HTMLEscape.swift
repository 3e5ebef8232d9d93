/// Text put into HTML element content or a quoted attribute value: the characters HTML gives meaning to become
/// character references (HTML Living Standard §13.1.4), so no input can open a tag or close an attribute.
enum HTMLEscape {
    static func text(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
