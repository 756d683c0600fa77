import CommitCheck
import Testing

/// The language features that write protocols beyond 2PC directly: guards that read the
/// network, steps with parameters, quantifiers over sets, enums and ranges, records and maps of
/// maps. Every state count is a hand count, derived in the comment next to it.
struct LanguageGrowthTests {
  /// A sender that may put up to three `Ping(k: 0)` in flight to a receiver that never takes
  /// them, and may finish once `count` sees `target` of them.
  static func counting(_ network: String, target: Int) -> String {
    """
    protocol Counting
    network \(network)
    message Ping(k: 0...1)
    role Sender {
      var sent: 0...3
      state sending initial
      state done decides commit
      on sending step ping when sent < 3 { send Ping(k: 0) to Receiver; sent += 1 }
      on sending step finish when count Ping(k: 0) to Receiver == \(target) and not exists Ping(k: 1) { goto done }
    }
    role Receiver {
      state idle initial
      state done decides commit
      on idle receive Ping(k: 1) { goto done }
    }
    """
  }

  @Test("'count' adds the copies in flight in an unordered and a fifo network")
  func countsCopies() throws {
    // sent = 0...3 puts as many copies in flight (4 states); finish is enabled only at 3
    // copies, adding one state: 5. Were it enabled at fewer, done would come with sent < 3.
    for network in ["unordered capacity 3", "fifo capacity 3"] {
      let report = try checkSource(Self.counting(network, target: 3))
      #expect(report.complete)
      #expect(report.states == 5, "\(network)")
    }
  }

  @Test("In a set network a message counts once, however often it was sent")
  func setCountsOnce() throws {
    // sent = 0...3 (4 states); the one Ping is in flight once sent >= 1, so count is 1 from
    // then on, and finish leads to done from sent = 1, 2, 3: 4 + 3 = 7. With 3 as the target
    // finish never fires: 4.
    #expect(try checkSource(Self.counting("set", target: 1)).states == 7)
    #expect(try checkSource(Self.counting("set", target: 3)).states == 4)
  }

  @Test("'from' and 'to' narrow a query to one sender and one receiver")
  func senderAndReceiver() throws {
    let source = """
      protocol Filters
      network set
      message Ping
      role S[2] {
        state idle initial
        state sent decides commit
        on idle step ping { send Ping to Receiver; goto sent }
      }
      role Receiver {
        state idle initial
        state done decides commit
        on idle step notice when exists Ping from S[1] to self and not exists Ping from S[2] to S[1] { goto done }
        on idle receive Ping { skip }
      }
      invariant heard: Receiver in done implies exists Ping from S[1]
      """
    // The senders' flags give 4 states with the receiver idle; it can be done only once S[1]
    // sent, with S[2] either way (the second conjunct always holds: nothing goes to S[1]),
    // and S[2] may still send after: 4 + 2 = 6.
    let report = try checkSource(source)
    #expect(report.states == 6)
    #expect(report.property("heard")?.verdict == .holds)
  }

  static let poking = """
    protocol Poking
    enum Color { red, green }
    role RM[2] {
      state working initial
      state done decides commit
      on working step finish { goto done }
    }
    role Leader {
      var poked: set<RM>
      var shade: Color
      state leading initial
      on leading step Poke(r: RM) when not (r in poked) { poked += r }
      on leading step Paint(c: Color, twice: bool) when c != shade and not twice { shade = c }
    }
    invariant pokedOnly: all p in Leader.poked: p in {working, done}
    invariant counted: (count p in Leader.poked: true) == size(Leader.poked)
    invariant ranged: some k in 0...2: k == size(Leader.poked)
    invariant colored: some c in Color: c == Leader.shade
    invariant notBoth: size(Leader.poked) < 2
    """

  @Test("A step's parameters make one transition per value, named by the value")
  func stepParameters() throws {
    let model = try compile(Self.poking)
    let names = model.system.transitions.map(\.name)
    #expect(names.contains("Poke(r: RM[1])"))
    #expect(names.contains("Poke(r: RM[2])"))
    // Color × bool: four transitions, each for one valuation.
    #expect(names.filter { $0.hasPrefix("Paint(") } == [
      "Paint(c: red, twice: false)", "Paint(c: green, twice: false)",
      "Paint(c: red, twice: true)", "Paint(c: green, twice: true)",
    ])
    // RM states 2 × 2, poked 2^2 subsets, shade 2 colors (Paint switches it back and forth):
    // 4 × 4 × 2 = 32.
    let report = try checkSource(Self.poking)
    #expect(report.states == 32)
    for name in ["pokedOnly", "counted", "ranged", "colored"] {
      #expect(report.property(name)?.verdict == .holds, "\(name)")
    }
    let trace = try #require(report.property("notBoth")?.trace)
    #expect(trace.steps.map(\.transition) == ["initial", "Poke(r: RM[1])", "Poke(r: RM[2])"])
  }

  @Test("A rate given to a step's name applies to each valuation")
  func ratesByFamily() throws {
    let model = try compile(Self.poking)
    let rates = try RateTable(system: model.system, overrides: ["Poke": 3])
    for (i, t) in model.system.transitions.enumerated() {
      let move = Action(kind: .step, process: 0, transition: Int32(i))
      #expect(rates.rate(of: move) == (t.name.hasPrefix("Poke(") ? 3 : 1), "\(t.name)")
    }
  }

  @Test("Quantifiers range over a set variable, an enum, bool and a constant range")
  func quantifierDomains() throws {
    let source = """
      protocol Domains
      param K: 1...3 = 2
      enum Phase { a, b, c }
      role P[3] {
        state s initial
        state t decides commit
        on s step go { goto t }
      }
      role Watcher {
        var seen: set<P>
        state w initial
        on w step look(p: P) when p in t and not (p in seen) { seen += p }
      }
      invariant subset: all p in Watcher.seen: p in t
      invariant sizes: (count p in Watcher.seen: true) == size(Watcher.seen)
      invariant noneOfEmpty: not (some p in {}: true)
      invariant phases: (count x in Phase: x != b) == 2
      invariant bools: (count x in bool: x) == 1
      invariant range: (count k in 0...K: k > 0) == K
      """
    // Each P is s, or t and seen or not: 3 local situations per P, 27 states.
    let report = try checkSource(source)
    #expect(report.states == 27)
    for name in ["subset", "sizes", "noneOfEmpty", "phases", "bools", "range"] {
      #expect(report.property(name)?.verdict == .holds, "\(name)")
    }
  }

  @Test("Records and maps of maps are stored slot by slot")
  func recordsAndNestedMaps() throws {
    let source = """
      protocol Grid
      record Cell { hits: 0...2, seen: bool }
      role A[2] { state s initial }
      role B[2] { state s initial }
      role Board {
        var m: map<A, map<B, Cell>>
        state live initial
        on live step hit(a: A, b: B) when m[a][b].hits < 2 { m[a][b].hits += 1; m[a][b].seen = true }
      }
      invariant seenIffHit: all a in A: all b in B: Board.m[a][b].seen == (Board.m[a][b].hits > 0)
      """
    // Four cells, each with hits 0, 1 or 2 and seen exactly when hits > 0: 3^4 = 81 states.
    let model = try compile(source)
    #expect(model.system.layout.names.contains("Board.m[2][1].hits"))
    let report = try checkSource(source)
    #expect(report.states == 81)
    #expect(report.property("seenIffHit")?.verdict == .holds)
    let trace = try #require(report.property("termination")?.trace)
    #expect(trace.steps.dropFirst().first?.changes.first == "m[A[1]][B[1]].hits = 1")
  }

  @Test("Existing models keep their layout: a flat map's slots are named by instance number")
  func flatMapNames() throws {
    let model = try compile("""
      protocol Flat
      role P[2] { state s initial }
      role C { var votes: map<P, 0...2>  state s initial  on s step v { votes[P[1]] = 1 } }
      """)
    #expect(model.system.layout.names.filter { $0.hasPrefix("C.votes") } == ["C.votes[1]", "C.votes[2]"])
  }
}

/// Symmetry reduction over records: a map keyed by the symmetric role whose entries are
/// records permutes entry by entry, and records that name the role's instances are refused.
struct RecordSymmetryTests {
  static let source = """
    protocol SymmetricRecords
    record Entry { hits: 0...2, flag: bool }
    message Done
    role P[3] symmetric {
      var tries: 0...2
      state s initial
      on s step go when tries < 2 { tries += 1; send Done to Hub }
    }
    role Hub {
      var book: map<P, Entry>
      state h initial
      on h receive Done from p { book[p].hits += 1; book[p].flag = not book[p].flag }
    }
    """

  @Test("A map of records keyed by a symmetric role is reduced to its orbits")
  func orbits() throws {
    let model = try compile(Self.source)
    let symmetry = try Symmetry(model.system)
    let full = Explorer().explore(model.system)
    var options = ExplorerOptions()
    options.symmetry = symmetry
    let reduced = Explorer().explore(model.system, options: options)
    // Each P is (tries t, copies in flight d) with d <= t <= 2, and its entry is determined:
    // hits = t - d, flag = hits odd. 6 local situations: 6^3 = 216 states, and the orbits are
    // the multisets of 3 of them: C(8, 3) = 56.
    #expect(full.stateCount == 216)
    #expect(reduced.stateCount == 56)
    // Brute force, as in SymmetryTests: the smallest image under the 3! permutations.
    let perms = SymmetryTests.permutations(3)
    var orbits: Set<[Int]> = []
    for id in 0..<full.stateCount {
      let images = perms.map { symmetry.permute(full.state(UInt32(id)), $0) }
      orbits.insert(images.min { $0.lexicographicallyPrecedes($1) }!)
    }
    #expect(orbits.count == 56)
  }

  @Test("Records and nested maps that name a symmetric role's instances are refused", arguments: [
    "record Who { p: P }\nrole Hub { var w: Who  state h initial }",
    "role Hub { var m: map<P, map<P, bool>>  state h initial }",
    "role Hub { var m: map<Hub, map<P, bool>>  state h initial }",
  ])
  func refusals(declarations: String) throws {
    let model = try compile("protocol R\nrole P[2] symmetric { state s initial }\n" + declarations)
    #expect(throws: SymmetryError.self) { try Symmetry(model.system) }
  }
}

/// The move memo and the property memo key on the slots code reads; network queries read slots
/// of messages between other processes, which must be in those keys.
struct QueryMemoTests {
  static let watching = """
    protocol Watching
    message Ping
    role A { var n: 0...2  state s initial  on s step ping when n < 2 { n += 1; send Ping to B } }
    role B { state s initial  on s receive Ping { skip } }
    role W {
      var seen: 0...3
      state w initial
      on w step look when exists Ping from A to B and seen < 3 { seen += 1 }
    }
    invariant quiet: count Ping < 2 or W.seen > 0
    invariant some_seen: W.seen < 3
    """

  @Test("Memoized moves and property values agree with direct evaluation when guards read the network",
        arguments: [watching, LanguageGrowthTests.counting("unordered capacity 3", target: 3),
                    LanguageGrowthTests.counting("fifo capacity 3", target: 3),
                    LanguageGrowthTests.poking])
  func memoAgrees(source: String) throws {
    let model = try compile(source)
    let exploration = Explorer().explore(model.system)
    #expect(exploration.complete)
    #expect(memoizedMoveMismatches(exploration).isEmpty)
    let generator = SuccessorGenerator(model.system)
    for id in 0..<UInt32(exploration.stateCount) {
      let state = exploration.state(id)
      for p in model.system.properties.indices {
        #expect(generator.evaluate(property: p, in: state) == generator.evaluateUncached(property: p, in: state))
      }
    }
  }

  @Test("A process whose guard reads messages between others sees them change")
  func watcher() throws {
    // A sends up to 2 Pings that B consumes; W counts up (to 3) whenever it looks while one is
    // in flight, and may look again before B takes it: seen reaches 3 (some_seen violated).
    // A may send twice before W looks: 2 Pings in flight with seen = 0 (quiet violated).
    let report = try checkSource(Self.watching)
    #expect(report.property("some_seen")?.verdict == .violated)
    #expect(report.property("quiet")?.verdict == .violated)
  }
}
