import CommitCheckLanguage

/// What a network query needs of the network's layout, which is known only once every send has
/// compiled: the processes that can send and receive the queried message.
///
/// Filled once by `Compiler.completeQueries`, read-only afterwards (compiled code captures it
/// before the layout exists, which is why it is a class).
final class QueryPlan: @unchecked Sendable {
  let message: Int
  /// unordered, set: the processes that send the message, and those it is sent to.
  @exclusivity(unchecked) var sources: [Int] = []
  @exclusivity(unchecked) var targets: [Int] = []
  /// fifo: the channels that can carry the message.
  @exclusivity(unchecked) var channels: [Int] = []
  /// Every slot the query may read.
  @exclusivity(unchecked) var slots: [Int] = []

  init(message: Int) { self.message = message }
}

/// `exists Msg(field: value, ...) from p to q` and `count Msg(...)`: guards and properties that
/// read the network without consuming anything.
///
/// In an `unordered` network `count` adds the copies in flight; in a `set` network each
/// message, once sent, is there for good and counts once per (sender, receiver); in a `fifo`
/// network every queued copy counts, wherever it stands in its queue.
extension Compiler {
  func compileMessageQuery(_ kind: MessageQueryKind, _ query: MessageQuery, expr: Expr, scope: Scope) -> Typed {
    guard let m = messageIndex[query.message.name] else {
      error(unknownMessage(query.message.name), query.message.range)
      return .error
    }
    let info = messages[m]
    var stride = 1
    var strides: [Int] = []
    for d in info.fieldDomains {
      strides.append(stride)
      stride *= size(d)
    }
    var given: [(eval: Eval, offset: Int, size: Int, stride: Int)] = []
    var seen: Set<Int> = []
    var failed = false
    for f in query.fields {
      guard let k = info.fieldNames.firstIndex(of: f.field.name) else {
        error(unknownField(f.field.name, message: m), f.field.range)
        failed = true
        continue
      }
      guard seen.insert(k).inserted else {
        error("field '\(f.field.name)' is given twice", f.field.range)
        failed = true
        continue
      }
      let t = compileExpr(f.value, scope: scope)
      guard t.type != .error else {
        failed = true
        continue
      }
      let d = info.fieldDomains[k]
      guard unify(t.type, type(of: d)) != nil else {
        error("field '\(f.field.name)' of '\(info.name)' is \(describe(d)), found \(t.type.describe(self))", f.value.range)
        failed = true
        continue
      }
      given.append((t.eval, codeOffset(d), size(d), strides[k]))
    }
    let free = info.fieldDomains.indices.filter { !seen.contains($0) }.map { (stride: strides[$0], size: size(info.fieldDomains[$0])) }
    func process(_ e: Expr?, _ what: String) -> Eval?? {
      guard let e else { return .some(nil) }
      let t = compileExpr(e, scope: scope)
      guard t.type != .error else { return nil }
      guard case .process = t.type else {
        error("'\(what)' in '\(kind.rawValue) \(info.name)' needs a process, found \(t.type.describe(self))", e.range)
        return nil
      }
      return .some(t.eval)
    }
    guard let sender = process(query.sender, "from"), let receiver = process(query.receiver, "to"), !failed else {
      return .error
    }
    let freeCount = free.reduce(1) { $0 * $1.size }
    if freeCount > Limits.networkSlots {
      error("'\(kind.rawValue) \(info.name)' leaves \(freeCount) field valuations open; give more fields", expr.range)
      return .error
    }
    let plan = QueryPlan(message: m)
    queryPlans.append(plan)
    messageReads?.insert(queryPlans.count - 1)
    transitionFacts?.queried.insert(m)
    let net = network, stopAtOne = kind == .exists, fields = given
    // The given fields' values, evaluated once per query: closures in an array would be
    // retained and released on every iteration.
    let evals = given.map(\.eval), offsets = given.map(\.offset), sizes = given.map(\.size)
    let fieldStrides = given.map(\.stride)
    return Typed(type: kind == .exists ? .bool : .int, eval: { e in
      var base = 0
      for k in evals.indices {
        let code = evals[k](e) - offsets[k]
        // A value outside the field's domain matches no message.
        if code < 0 || code >= sizes[k] { return 0 }
        base += code * fieldStrides[k]
      }
      let s = sender?(e) ?? -1, t = receiver?(e) ?? -1
      if net.semantics == .fifo {
        return net.countQueued(e, plan, fields: fields, base: base, source: s, target: t, stopAtOne: stopAtOne)
      }
      return net.countInFlight(e, plan, free: free, freeCount: freeCount, base: base, source: s, target: t,
                               stopAtOne: stopAtOne)
    })
  }

  /// Fills every query's plan from the network's layout; returns, per plan, the slots it reads.
  func completeQueries() {
    for plan in queryPlans {
      if network.semantics == .fifo {
        let pairs = Set(flows.filter { $0[0] == plan.message }.map { [$0[1], $0[2]] })
        for (c, channel) in network.channels.enumerated()
        where pairs.contains([processes[channel.source].role, processes[channel.target].role]) {
          plan.channels.append(c)
          plan.slots += Array(channel.slot..<(channel.slot + network.capacity))
        }
      } else {
        var sources: Set<Int> = [], targets: Set<Int> = []
        for channel in network.channels where channel.message == plan.message {
          sources.insert(channel.source)
          targets.insert(channel.target)
          plan.slots.append(channel.slot)
        }
        plan.sources = sources.sorted()
        plan.targets = targets.sorted()
      }
    }
  }

  /// `reads` with the slots of the network queries `plans` (indices into `queryPlans`).
  func withQueryReads(_ reads: [Int], _ plans: Set<Int>) -> [Int] {
    guard !plans.isEmpty else { return reads }
    return Set(reads).union(plans.flatMap { queryPlans[$0].slots }).sorted()
  }
}

extension NetworkTable {
  /// unordered, set: the copies in flight of the plan's message whose valuation is `base` plus
  /// any value of the `free` fields, from `source` to `target` (-1: any).
  func countInFlight(_ e: Env, _ plan: QueryPlan, free: [(stride: Int, size: Int)], freeCount: Int, base: Int,
                     source: Int, target: Int, stopAtOne: Bool) -> Int {
    // Hoisted: each read of an array through a class would retain and release it.
    let slots = e.slots, index = slotIndex, sources = plan.sources, targets = plan.targets
    let P = processCount, first = valuationBase[plan.message]
    var n = 0
    for i in 0..<freeCount {
      var valuation = base, rest = i
      for f in free {
        valuation += (rest % f.size) * f.stride
        rest /= f.size
      }
      let row = (first + valuation) * P
      for s in source >= 0 ? source..<(source + 1) : 0..<sources.count {
        let from = source >= 0 ? s : sources[s]
        for t in target >= 0 ? target..<(target + 1) : 0..<targets.count {
          let slot = index[(row + from) * P + (target >= 0 ? t : targets[t])]
          if slot >= 0 { n += slots[slot] }
        }
      }
      if stopAtOne && n > 0 { return 1 }
    }
    return stopAtOne ? (n > 0 ? 1 : 0) : n
  }

  /// fifo: the queued copies of the plan's message whose given fields match.
  func countQueued(_ e: Env, _ plan: QueryPlan, fields: [(eval: Eval, offset: Int, size: Int, stride: Int)],
                   base: Int, source: Int, target: Int, stopAtOne: Bool) -> Int {
    var n = 0
    for c in plan.channels {
      let channel = channels[c]
      if source >= 0 && channel.source != source { continue }
      if target >= 0 && channel.target != target { continue }
      for k in 0..<capacity {
        let code = e.slots[channel.slot + k]
        if code == 0 { break }
        guard codeMessage[code - 1] == plan.message else { continue }
        let valuation = codeValuation[code - 1]
        // The given fields' digits of the valuation must be those of `base`.
        var matches = true
        for f in fields where (valuation / f.stride) % f.size != (base / f.stride) % f.size {
          matches = false
          break
        }
        if matches {
          n += 1
          if stopAtOne { return 1 }
        }
      }
    }
    return n
  }
}
