/// The strongly connected components of a chain, and the outcome class of each bottom one.
///
/// Tarjan's algorithm emits a component only after every component reachable from it, so the
/// emission order is a reverse topological order: solving absorption probabilities component
/// by component in that order only ever reads values already final, and a chain whose
/// transient components are single states is solved exactly, with no iteration at all.
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

  var count: Int { start.count - 1 }

  func states(_ c: Int) -> ArraySlice<UInt32> { order[start[c]..<start[c + 1]] }

  /// Per state: the outcome class of its bottom component, nil for transient states.
  func outcome(ofState s: Int) -> Outcome? { outcome[Int(componentOf[s])] }

  init(_ chain: MarkovChain) {
    let n = chain.stateCount
    var index = [Int32](repeating: -1, count: n)
    var low = [Int32](repeating: 0, count: n)
    var onStack = [Bool](repeating: false, count: n)
    var stack: [UInt32] = []
    var call: [(v: Int, e: Int)] = []
    var counter: Int32 = 0
    componentOf = [Int32](repeating: -1, count: n)
    order = []
    order.reserveCapacity(n)
    start = [0]
    for root in 0..<n where index[root] < 0 {
      index[root] = counter
      low[root] = counter
      counter += 1
      stack.append(UInt32(root))
      onStack[root] = true
      call.append((root, chain.rowStart[root]))
      while let (v, e) = call.last {
        if e < chain.rowStart[v + 1] {
          call[call.count - 1].e = e + 1
          let w = Int(chain.columns[e])
          if index[w] < 0 {
            index[w] = counter
            low[w] = counter
            counter += 1
            stack.append(UInt32(w))
            onStack[w] = true
            call.append((w, chain.rowStart[w]))
          } else if onStack[w] {
            low[v] = min(low[v], index[w])
          }
          continue
        }
        call.removeLast()
        if let parent = call.last?.v { low[parent] = min(low[parent], low[v]) }
        if low[v] == index[v] {
          let id = Int32(start.count - 1)
          while true {
            let w = Int(stack.removeLast())
            onStack[w] = false
            componentOf[w] = id
            order.append(UInt32(w))
            if w == v { break }
          }
          start.append(order.count)
        }
      }
    }
    let count = start.count - 1
    var bottom = [Bool](repeating: true, count: count)
    for s in 0..<n {
      let c = componentOf[s]
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] where componentOf[Int(chain.columns[e])] != c {
        bottom[Int(c)] = false
        break
      }
    }
    self.bottom = bottom
    outcome = Array(repeating: nil, count: count)
  }

  /// The states of the bottom components, whose verdicts `classify` reads.
  var bottomStates: some Sequence<UInt32> {
    (0..<count).lazy.filter { bottom[$0] }.flatMap { states($0) }
  }

  /// Gives each bottom component its outcome class, once the chain knows the verdicts of their
  /// states (`MarkovChain.resolveVerdicts`).
  mutating func classify(_ chain: MarkovChain) {
    for c in 0..<count where bottom[c] {
      outcome[c] = Components.classify(order[start[c]..<start[c + 1]], chain)
    }
  }

  /// The outcome class of a bottom component: the common verdict of its states when they all
  /// say commit, abort or violation; blocked for a single state with no move; livelock for any
  /// other component (the chain moves forever and never settles on one decided outcome).
  static func classify(_ states: ArraySlice<UInt32>, _ chain: MarkovChain) -> Outcome {
    let first = chain.verdicts[Int(states.first!)]
    if states.allSatisfy({ chain.verdicts[Int($0)] == first }) {
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
