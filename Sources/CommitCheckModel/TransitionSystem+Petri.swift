/// The slots of the failure budgets and of the partition, for analyses that map a state's slots
/// onto something else (places of a Petri net).
public struct FailureSlots: Sendable {
  /// Remaining crash and recovery budgets, by role index.
  public var crash: [Int]
  public var recover: [Int]
  public var lose: Int
  public var duplicate: Int
  public var partitionBudget: Int
  /// The processes cut off from process 0, as a bit mask (0 while there is no partition).
  public var partitionMask: Int
}

extension TransitionSystem {
  public var failureSlots: FailureSlots {
    let g = program.globals
    return FailureSlots(crash: g.crash, recover: g.recover, lose: g.lose, duplicate: g.duplicate,
                        partitionBudget: g.partitionBudget, partitionMask: g.partitionMask)
  }

  /// The slots of process `p`'s local state: its control state, then its variables (its crashed
  /// flag, the slot in between, is not part of it).
  public func localSlots(of p: Int) -> [Int] {
    let info = processes[p]
    let count = roles[info.role].vars.reduce(0) { max($0, $1.offset + $1.initialCodes.count) }
    return [info.base] + Array((info.base + 2)..<(info.base + 2 + count))
  }
}
