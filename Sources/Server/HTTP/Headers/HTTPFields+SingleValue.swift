import HTTPTypes

extension HTTPFields {
    /// `self[name]` (every value of `name` joined with ", "; "; " for Cookie), without the lazy sequence and join
    /// the subscript builds for what is nearly always zero or one field: on the hot path it cost more than the
    /// route it guarded.
    func singleValue(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }

    /// Whether any field is named `name`.
    func contains(_ name: HTTPField.Name) -> Bool {
        contains { $0.name == name }
    }
}
