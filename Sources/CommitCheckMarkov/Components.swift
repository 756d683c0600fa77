/// The strongly connected components of a chain, the outcome class of each bottom one, and the
/// graph search before any arithmetic (Storm's prob0 and prob1): the classes each component
/// can end in.
///
/// Tarjan's algorithm emits a component only after every component reachable from it, so the
/// emission order is a reverse topological order: solving absorption probabilities component
/// by component in that order only ever reads values already final, and a chain whose
/// transient components are single states is solved exactly, with no iteration at all. The
/// same order serves the graph search, done as each component is emitted, while its rows are
/// fresh in the cache.
struct Components {
  /// Per state: its component.
  var componentOf: [Int32]
  /// States grouped by component, components in emission (reverse topological) order.
  var order: [UInt32]
  /// Component `c` is `order[start[c]..<start[c + 1]]`.
  var start: [Int]
  /// Per component: whether no transition leaves it.
  var bottom: [Bool]
  /// Per component: its outcome class when bottom, nil otherwise.
  var outcome: [Outcome?]
  /// Per component: the outcome classes it can end in (a bit per class). A class outside the
  /// set has probability exactly 0 there; a set of one class means probability exactly 1.
  var reach: [UInt8]
  /// Per component: whether its values are exact, that is, no cyclic transient component is
  /// reachable from it (itself included).
  var exact: [Bool]

  var count: Int { start.count - 1 }

  func states(_ c: Int) -> ArraySlice<UInt32> { order[start[c]..<start[c + 1]] }

  /// Per state: the outcome class of its bottom component, nil for transient states.
  func outcome(ofState s: Int) -> Outcome? { outcome[Int(componentOf[s])] }

  /// The components of `chain`; `verdict` gives a state's verdict (read only for the states of
  /// bottom components, whose classes they decide).
  init(_ chain: MarkovChain, verdict: (Int) -> StateVerdict) {
    let n = chain.stateCount
    // Local copies: the loops below read them once per transition.
    let rowStart = chain.rowStart, columns = chain.columns
    var index = [Int32](repeating: -1, count: n)
    var low = [Int32](repeating: 0, count: n)
    var onStack = [Bool](repeating: false, count: n)
    var stack: [UInt32] = []
    var call: [(v: Int, e: Int)] = []
    var counter: Int32 = 0
    var componentOf = [Int32](repeating: -1, count: n)
    var order: [UInt32] = []
    order.reserveCapacity(n)
    var start = [0]
    var bottom: [Bool] = [], outcome: [Outcome?] = [], reach: [UInt8] = [], exact: [Bool] = []
    for root in 0..<n where index[root] < 0 {
      index[root] = counter
      low[root] = counter
      counter += 1
      stack.append(UInt32(root))
      onStack[root] = true
      call.append((root, rowStart[root]))
      while let (v, e) = call.last {
        if e < rowStart[v + 1] {
          call[call.count - 1].e = e + 1
          let w = Int(columns[e])
          if index[w] < 0 {
            index[w] = counter
            low[w] = counter
            counter += 1
            stack.append(UInt32(w))
            onStack[w] = true
            call.append((w, rowStart[w]))
          } else if onStack[w] {
            low[v] = min(low[v], index[w])
          }
          continue
        }
        call.removeLast()
        if let parent = call.last?.v { low[parent] = min(low[parent], low[v]) }
        guard low[v] == index[v] else { continue }
        // Emit component c: every component it reaches is final. It is bottom when no
        // transition leaves it, and then its class is read from its states' verdicts; otherwise
        // it can end in the classes of the components it leaves for, and is exact when it is
        // one state and they are all exact.
        let c = start.count - 1
        let first = order.count
        while true {
          let w = Int(stack.removeLast())
          onStack[w] = false
          componentOf[w] = Int32(c)
          order.append(UInt32(w))
          if w == v { break }
        }
        start.append(order.count)
        var set: UInt8 = 0, isExact = order.count - first == 1, leaves = false
        for i in first..<order.count {
          let s = Int(order[i])
          for e in rowStart[s]..<rowStart[s + 1] {
            let d = Int(componentOf[Int(columns[e])])
            if d != c {
              leaves = true
              set |= reach[d]
              isExact = isExact && exact[d]
            }
          }
        }
        bottom.append(!leaves)
        if leaves {
          outcome.append(nil)
          reach.append(set)
          exact.append(isExact)
        } else {
          let o = Components.classify(order[first...], chain, verdict)
          outcome.append(o)
          reach.append(1 << UInt8(o.rawValue))
          exact.append(true)
        }
      }
    }
    (self.componentOf, self.order, self.start) = (componentOf, order, start)
    (self.bottom, self.outcome, self.reach, self.exact) = (bottom, outcome, reach, exact)
  }

  /// The outcome class of a bottom component: the common verdict of its states when they all
  /// say commit, abort or violation; blocked for a single state with no move; livelock for any
  /// other component (the chain moves forever and never settles on one decided outcome).
  static func classify(_ states: ArraySlice<UInt32>, _ chain: MarkovChain, _ verdict: (Int) -> StateVerdict) -> Outcome {
    let first = verdict(Int(states.first!))
    if states.allSatisfy({ verdict(Int($0)) == first }) {
      switch first {
      case .commit: return .commit
      case .abort: return .abort
      case .violation: return .violation
      case .undecided, .unknown: break
      }
    }
    if states.count == 1 && chain.isAbsorbing(Int(states.first!)) { return .blocked }
    return .livelock
  }

}
