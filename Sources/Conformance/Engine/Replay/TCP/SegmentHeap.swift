/// A segment held until the bytes before it arrive.
struct PendingSegment: Sendable {
    /// Offset in the direction's sequence space (0 = first byte after the SYN or first captured byte).
    var offset: Int
    var payload: [UInt8]
    var microseconds: Int64
}

/// A binary min-heap of pending segments by offset (ties: earlier capture first, so the first copy wins).
struct SegmentHeap: Sendable {
    private var items: [PendingSegment] = []
    private var insertions = 0
    private var order: [Int] = []

    var isEmpty: Bool { items.isEmpty }
    var min: PendingSegment? { items.first }

    private func less(_ a: Int, _ b: Int) -> Bool {
        items[a].offset != items[b].offset ? items[a].offset < items[b].offset : order[a] < order[b]
    }

    mutating func insert(_ segment: PendingSegment) {
        items.append(segment)
        order.append(insertions)
        insertions += 1
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            items.swapAt(child, parent)
            order.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeMin() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        order.swapAt(0, order.count - 1)
        items.removeLast()
        order.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && less(left, smallest) { smallest = left }
            if right < items.count && less(right, smallest) { smallest = right }
            if smallest == parent { return }
            items.swapAt(parent, smallest)
            order.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
