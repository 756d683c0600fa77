import CommitCheckModel

/// Why a model cannot be reduced by symmetry as asked.
public struct SymmetryError: Error, Sendable {
  public var message: String
}

/// Exact symmetry reduction over the instances of the roles a model declares `symmetric`.
///
/// Each instance owns a *block*: its own slots, plus every per-instance fact held elsewhere (its
/// bit in other processes' sets, its entry in their maps, the messages between it and processes
/// of other roles, its side of the partition). When instances never refer to each other (no
/// message between two of them, no variable of theirs over their own role, no variable holding
/// one of them), a state is determined up to permutation by the multiset of its blocks. Sorting
/// the blocks is then a canonical form: two states get the same representative exactly when
/// they lie in the same orbit, without enumerating permutations. Models outside that condition
/// are refused with the reason, never reduced inexactly.
public struct Symmetry: Sendable {
  /// A block element: a whole slot, or one bit of a slot.
  struct Cell: Sendable {
    var slot: Int
    var bit: Int
  }
  /// Per symmetric role: for each instance, its block (cells in corresponding order).
  let groups: [[[Cell]]]
  /// Per group, the bit width of each cell, when a whole block fits in 63 bits: blocks are
  /// then compared as single integers.
  let widths: [[Int]?]
  /// The first group's cells flattened (block-major), when its blocks fit in 63 bits: the
  /// allocation-free path of `canonicalize`.
  let flatSlot: [Int], flatBit: [Int], flatWidth: [Int]

  public var roleCount: Int { groups.count }

  public init(_ system: TransitionSystem) throws(SymmetryError) {
    var groups: [[[Cell]]] = []
    var slotUses: [Int: Int] = [:]
    for c in system.channels { slotUses[c.slot, default: 0] += 1 }
    for (r, role) in system.roles.enumerated() where role.symmetric && role.count > 1 {
      if let reason = system.symmetryBreakers[r] {
        throw SymmetryError(message: "instances of '\(role.name)' are not interchangeable: \(reason)")
      }
      let members = role.firstProcess..<(role.firstProcess + role.count)
      try Symmetry.checkReferences(system, role: r)
      var blocks: [[Cell]] = []
      for pid in members {
        var cells: [Cell] = []
        let base = system.processes[pid].base
        let blockSize = 2 + role.vars.reduce(0) { n, v in n + v.initialCodes.count }
        cells += (base..<(base + blockSize)).map { Cell(slot: $0, bit: -1) }
        // Facts about this instance held by processes of other roles.
        let index = pid - role.firstProcess
        for (q, info) in system.processes.enumerated() where !members.contains(q) {
          for v in system.roles[info.role].vars {
            let slot = info.base + 2 + v.offset
            switch v.domain {
            case .set(let sr) where sr == r: cells.append(Cell(slot: slot, bit: index))
            case .map(let mr, let value) where mr == r:
              // An entry may take several slots (a record); `checkReferences` has refused
              // entries that name instances of `r` themselves.
              let width = value.slotCount(system.roles)
              cells += (0..<width).map { Cell(slot: slot + index * width + $0, bit: -1) }
            default: break
            }
          }
        }
        // Messages between this instance and processes of other roles, in an order that is the
        // same for every instance.
        // A broadcast's copies share one slot (`ChannelInfo`): it belongs to its sender's block,
        // once, and to no receiver's (it is the same for every receiver).
        var sent: Set<Int> = []
        let mine = system.channels.filter { c in
          c.source == pid ? sent.insert(c.slot).inserted : c.target == pid && slotUses[c.slot] == 1
        }
          .sorted { a, b in
            let ka = [a.source == pid ? 0 : 1, a.message, a.valuation, a.source == pid ? a.target : a.source]
            let kb = [b.source == pid ? 0 : 1, b.message, b.valuation, b.source == pid ? b.target : b.source]
            return ka.lexicographicallyPrecedes(kb)
          }
        for c in mine {
          let width = system.network == .fifo ? system.capacity : 1
          cells += (c.slot..<(c.slot + width)).map { Cell(slot: $0, bit: -1) }
        }
        if system.failures.partition > 0 { cells.append(Cell(slot: system.partitionSlot, bit: pid)) }
        blocks.append(cells)
      }
      guard Set(blocks.map(\.count)).count == 1 else {
        throw SymmetryError(message: "instances of '\(role.name)' do not have blocks of one shape")
      }
      groups.append(blocks)
    }
    if groups.isEmpty {
      throw SymmetryError(message: "no role is declared 'symmetric' with more than one instance")
    }
    if groups.count > 1 {
      throw SymmetryError(message: "symmetry reduction supports one symmetric role per model; this one declares \(groups.count)")
    }
    self.groups = groups
    widths = groups.map { blocks in
      let w = blocks[0].map { c in c.bit >= 0 ? 1 : StateLayout.bitWidth(system.layout.maxValues[c.slot]) }
      return w.reduce(0, +) <= 63 ? w : nil
    }
    if let w = widths[0] {
      flatSlot = groups[0].flatMap { $0.map(\.slot) }
      flatBit = groups[0].flatMap { $0.map(\.bit) }
      flatWidth = w
    } else {
      (flatSlot, flatBit, flatWidth) = ([], [], [])
    }
  }

  /// `canonicalize` for one group of blocks that fit in integers: no allocation, flat arrays.
  private func canonicalizeFlat(_ slots: inout [Int]) {
    let blocks = groups[0].count, m = flatWidth.count
    withUnsafeTemporaryAllocation(of: Int.self, capacity: blocks) { buffer in
      var codes = buffer
      slots.withUnsafeMutableBufferPointer { s in
        flatSlot.withUnsafeBufferPointer { slot in
          flatBit.withUnsafeBufferPointer { bit in
            flatWidth.withUnsafeBufferPointer { width in
              var sorted = true
              for b in 0..<blocks {
                var code = 0
                for j in 0..<m {
                  let c = b * m + j
                  let v = bit[c] < 0 ? s[slot[c]] : (s[slot[c]] >> bit[c]) & 1
                  code = (code << width[j]) | v
                }
                if b > 0, codes[b - 1] > code { sorted = false }
                codes[b] = code
              }
              if sorted { return }
              codes.sort()
              for b in 0..<blocks {
                var code = codes[b]
                for j in stride(from: m - 1, through: 0, by: -1) {
                  let v = code & ((1 << width[j]) - 1)
                  code >>= width[j]
                  let c = b * m + j
                  if bit[c] < 0 {
                    s[slot[c]] = v
                  } else {
                    s[slot[c]] = (s[slot[c]] & ~(1 << bit[c])) | (v << bit[c])
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Applies a permutation of the first symmetric role's instances: instance `i`'s block moves
  /// to instance `permutation[i]`. (The group action itself, for brute-force checks.)
  public func permute(_ slots: [Int], _ permutation: [Int]) -> [Int] {
    var out = slots
    let blocks = groups[0]
    for (i, target) in permutation.enumerated() {
      for (j, c) in blocks[i].enumerated() {
        let v = c.bit < 0 ? slots[c.slot] : (slots[c.slot] >> c.bit) & 1
        let d = blocks[target][j]
        if d.bit < 0 { out[d.slot] = v } else { out[d.slot] = (out[d.slot] & ~(1 << d.bit)) | (v << d.bit) }
      }
    }
    return out
  }

  /// The number of states in the orbit of `slots`: per symmetric role, the permutations of its
  /// instances (n!) over those that leave the state as it is (a factorial per set of instances
  /// whose blocks are equal). Saturates at `Int.max`.
  public func orbitSize(_ slots: [Int]) -> Int {
    var size = 1
    for blocks in groups {
      var counts: [[Int]: Int] = [:]
      for cells in blocks {
        counts[cells.map { c in c.bit < 0 ? slots[c.slot] : (slots[c.slot] >> c.bit) & 1 }, default: 0] += 1
      }
      // n! / Π m! as a product of binomials, each exact.
      var placed = 0
      for m in counts.values.sorted() {
        for i in 1...m {
          let (product, overflow) = size.multipliedReportingOverflow(by: placed + i)
          size = overflow ? Int.max : product / i
        }
        placed += m
      }
    }
    return size
  }

  /// The number of instances of the symmetric role.
  public var instanceCount: Int { groups[0].count }

  /// Refuses roles whose instances refer to each other or are referred to by value.
  static func checkReferences(_ system: TransitionSystem, role r: Int) throws(SymmetryError) {
    let name = system.roles[r].name
    for (q, other) in system.roles.enumerated() {
      for v in other.vars {
        var refers = false
        switch v.domain {
        case .process(let pr): refers = pr == r
        case .set(let sr): refers = sr == r && q == r
        case .map(let mr, let value):
          refers = (mr == r && q == r) || value.mentions(role: r)
        case .record:
          refers = v.domain.mentions(role: r)
        default: break
        }
        if refers {
          throw SymmetryError(message: "instances of '\(name)' are not interchangeable: variable '\(v.name)' of '\(other.name)' refers to them individually")
        }
      }
    }
    for m in system.messages {
      for d in m.fieldDomains {
        if case .process(let pr) = d, pr == r {
          throw SymmetryError(message: "instances of '\(name)' are not interchangeable: message '\(m.name)' carries one of them")
        }
      }
    }
    let members = system.roles[r].firstProcess..<(system.roles[r].firstProcess + system.roles[r].count)
    if let c = system.channels.first(where: { members.contains($0.source) && members.contains($0.target) }) {
      let what = c.message >= 0 ? "'\(system.messages[c.message].name)' " : ""
      throw SymmetryError(message: "instances of '\(name)' are not interchangeable: they send messages \(what)to each other")
    }
    if system.failures.partition > 0 && members.contains(0) {
      throw SymmetryError(message: "instances of '\(name)' are not interchangeable: the partition is normalised on process 0, one of them")
    }
  }

  /// Replaces a state by the canonical representative of its orbit: the blocks sorted.
  public func canonicalize(_ slots: inout [Int]) {
    if !flatWidth.isEmpty {
      canonicalizeFlat(&slots)
      return
    }
    for (g, blocks) in groups.enumerated() {
      if let widths = widths[g] {
        // One integer per block, most significant cell first: integer order is block order.
        var codes: [Int] = []
        codes.reserveCapacity(blocks.count)
        var sorted = true
        for cells in blocks {
          var code = 0
          for (j, c) in cells.enumerated() {
            code = (code << widths[j]) | (c.bit < 0 ? slots[c.slot] : (slots[c.slot] >> c.bit) & 1)
          }
          if let last = codes.last, last > code { sorted = false }
          codes.append(code)
        }
        if sorted { continue }
        codes.sort()
        for (k, cells) in blocks.enumerated() {
          var code = codes[k]
          for j in stride(from: cells.count - 1, through: 0, by: -1) {
            let v = code & ((1 << widths[j]) - 1)
            code >>= widths[j]
            let c = cells[j]
            if c.bit < 0 { slots[c.slot] = v } else { slots[c.slot] = (slots[c.slot] & ~(1 << c.bit)) | (v << c.bit) }
          }
        }
        continue
      }
      let values: [[Int]] = blocks.map { cells in
        cells.map { c in c.bit < 0 ? slots[c.slot] : (slots[c.slot] >> c.bit) & 1 }
      }
      let order = values.indices.sorted { a, b in
        values[a] == values[b] ? a < b : values[a].lexicographicallyPrecedes(values[b])
      }
      if order == Array(values.indices) { continue }
      for (k, from) in order.enumerated() {
        for (j, c) in blocks[k].enumerated() {
          let v = values[from][j]
          if c.bit < 0 {
            slots[c.slot] = v
          } else {
            slots[c.slot] = (slots[c.slot] & ~(1 << c.bit)) | (v << c.bit)
          }
        }
      }
    }
  }
}
