import CommitCheckLanguage
import CommitCheckModel

/// A counterexample told as a message sequence chart: a lifeline per process, and every message
/// an arrow from the step that sent it to the step that received (or lost) it.
///
/// A trace only lists states; which send a receipt consumes is worked out here by following
/// each (source, target, message) queue through the trace, oldest copy first.
public struct SequenceChart: Sendable {
  /// Where a process is after a step.
  public struct Status: Sendable, Hashable {
    public var state: String
    public var decision: Decision?
    public var crashed: Bool
    /// 1 when a partition cut it off from process 0's side, else 0.
    public var side: Int
  }

  public struct Step: Sendable {
    /// 1-based, as in the trace.
    public var index: Int
    /// Nil when no move of the model explains the step (a broken trace).
    public var kind: ActionKind?
    /// The acting process; nil for network failures.
    public var process: Int?
    /// The transition with its branches (`vote.vote_yes`), or the failure kind.
    public var transition: String
    /// The arrow this step ends (received, lost) or copies (duplicated).
    public var arrow: Int?
    /// The arrows that start here.
    public var sends: [Int] = []
    /// Variable changes of the acting process (`yes = {Participant[1]}`).
    public var changes: [String] = []
    /// The new control state of the acting process, when it moved.
    public var newState: String?
    /// The decision the acting process reached here.
    public var decision: Decision?
    /// Every process after the step.
    public var status: [Status]
    /// For a partition: the processes on each side.
    public var partition: (Int, [String], [String])?
  }

  public struct Arrow: Sendable {
    public enum Fate: Sendable { case received, lost, inFlight }
    public var source: Int
    public var target: Int
    public var text: String
    /// The step that sent it (0: the initial state's `start` blocks).
    public var sent: Int
    /// The step that received or lost it; nil while in flight at the end.
    public var ended: Int?
    public var fate: Fate
    /// True for the copy a duplication made (it starts at the duplication step).
    public var duplicate: Bool
  }

  public var processes: [String]
  public var initial: [Status]
  public var steps: [Step]
  public var arrows: [Arrow]
  /// For a livelock: the step where the repeated cycle starts.
  public var loopStart: Int?
}

struct FlightKey: Hashable {
  var source: Int
  var target: Int
  var text: String
}

extension Exploration {
  /// The sequence chart of a trace of this system.
  public func sequenceChart(_ trace: Trace) -> SequenceChart {
    var chart = SequenceChart(processes: system.processes.map(\.name), initial: [], steps: [], arrows: [],
                              loopStart: trace.loopStart)
    guard let first = trace.steps.first else { return chart }
    chart.initial = statuses(first.state)
    // Arrows not yet received, per queue, oldest first. With `network set` a receipt leaves the
    // message where it is, so a queue's head stays until the end.
    var pending: [FlightKey: [Int]] = [:]
    var before = first.state
    startArrows(flights(before), at: 0, duplicate: false, &chart, &pending)
    for step in trace.steps.dropFirst() {
      let after = step.state
      var s = SequenceChart.Step(index: step.index, kind: step.action?.kind, process: step.action.map { Int($0.process) }
                                   .flatMap { $0 >= 0 ? $0 : nil }, transition: step.transition, changes: step.changes,
                                 newState: step.newState, status: statuses(after))
      var expected = flightCounts(before)
      if let a = step.action {
        if let p = s.process, system.decision(before, process: p) == nil { s.decision = system.decision(after, process: p) }
        if a.kind == .partition {
          let (left, right) = system.partitionGroups(Int(a.message))
          s.partition = (Int(a.message), left, right)
        }
        if let m = actionMessage(a, before: before) {
          let key = FlightKey(source: m.source, target: m.target, text: m.text)
          let head = pending[key]?.first
          switch a.kind {
          case .receive where system.network == .set:
            if let h = head {
              if chart.arrows[h].ended == nil {
                chart.arrows[h].ended = step.index
                chart.arrows[h].fate = .received
                s.arrow = h
              } else {
                var copy = chart.arrows[h]
                copy.ended = step.index
                s.arrow = chart.arrows.count
                chart.arrows.append(copy)
              }
            }
          case .receive, .lose:
            expected[key, default: 0] -= 1
            if let h = head {
              pending[key]!.removeFirst()
              chart.arrows[h].ended = step.index
              chart.arrows[h].fate = a.kind == .lose ? .lost : .received
              s.arrow = h
            }
          case .duplicate:
            s.arrow = head
          default: break
          }
        }
      }
      // What the move added to the network starts here; what vanished otherwise is dropped.
      let now = flightCounts(after)
      var added: [(FlightKey, Int)] = []
      for (key, count) in flights(after) where count > expected[key, default: 0] {
        added.append((key, count - expected[key, default: 0]))
      }
      for (key, count) in expected where count > now[key, default: 0] {
        for _ in 0..<(count - now[key, default: 0]) where !(pending[key]?.isEmpty ?? true) {
          pending[key]!.removeFirst()
        }
      }
      let firstNew = chart.arrows.count
      startArrows(added, at: step.index, duplicate: step.action?.kind == .duplicate, &chart, &pending)
      s.sends = Array(firstNew..<chart.arrows.count)
      chart.steps.append(s)
      before = after
    }
    if system.network == .set {
      for i in chart.arrows.indices where chart.arrows[i].ended != nil { chart.arrows[i].fate = .received }
    }
    return chart
  }

  /// The messages in flight as (queue, copies), in channel order.
  func flights(_ slots: [Int]) -> [(FlightKey, Int)] {
    var out: [(FlightKey, Int)] = []
    var index: [FlightKey: Int] = [:]
    for m in system.messagesInFlight(slots) {
      let key = FlightKey(source: m.source, target: m.target, text: m.text)
      if let i = index[key] {
        out[i].1 += m.copies
      } else {
        index[key] = out.count
        out.append((key, m.copies))
      }
    }
    return out
  }

  func flightCounts(_ slots: [Int]) -> [FlightKey: Int] {
    var out: [FlightKey: Int] = [:]
    for (key, count) in flights(slots) { out[key, default: 0] += count }
    return out
  }

  func startArrows(_ added: [(FlightKey, Int)], at step: Int, duplicate: Bool,
                   _ chart: inout SequenceChart, _ pending: inout [FlightKey: [Int]]) {
    for (key, count) in added {
      for _ in 0..<count {
        pending[key, default: []].append(chart.arrows.count)
        chart.arrows.append(SequenceChart.Arrow(source: key.source, target: key.target, text: key.text, sent: step,
                                                ended: nil, fate: .inFlight, duplicate: duplicate))
      }
    }
  }

  func statuses(_ slots: [Int]) -> [SequenceChart.Status] {
    let mask = slots[system.partitionSlot]
    return system.processes.indices.map { p in
      SequenceChart.Status(state: controlName(slots, p), decision: system.decision(slots, process: p),
                           crashed: system.isCrashed(slots, process: p), side: (mask >> p) & 1)
    }
  }
}
