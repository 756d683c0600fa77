/// Lamport's TwoPhase specification (two-phase commit with `n` resource managers) as one Promela
/// process, for the SPIN cross-check: the test needs nothing outside the repository.
///
/// Each TLA+ action is one atomic `d_step`. The message set `msgs` never loses a message, so a
/// boolean per message stands for its membership: `prepared[i]` for "Prepared" from RM i, and
/// `commitMsg`/`abortMsg` for the decisions. `tmPrepared[i]` is the TM's set of prepared RMs.
/// SPIN's stored states are then TLC's distinct states for the specification.
func twoPhasePromela(n: Int) -> String {
  let rms = 0..<n
  var out = """
    /* Lamport's TwoPhase, N = \(n) resource managers */
    byte rmState[\(n)];   /* 0 working, 1 prepared, 2 committed, 3 aborted */
    byte tmState;         /* 0 init, 1 committed, 2 aborted */
    bool tmPrepared[\(n)];
    bool prepared[\(n)];
    bool commitMsg;
    bool abortMsg;
    active proctype twoPhase() {
      do

    """
  let everyonePrepared = rms.map { "tmPrepared[\($0)]" }.joined(separator: " && ")
  // TMCommit and TMAbort.
  out += "  :: d_step { tmState == 0 && \(everyonePrepared) -> tmState = 1; commitMsg = 1 }\n"
  out += "  :: d_step { tmState == 0 -> tmState = 2; abortMsg = 1 }\n"
  for i in rms {
    // TMRcvPrepared(i), RMPrepare(i), RMChooseToAbort(i), RMRcvCommitMsg(i), RMRcvAbortMsg(i).
    out += "  :: d_step { tmState == 0 && prepared[\(i)] -> tmPrepared[\(i)] = 1 }\n"
    out += "  :: d_step { rmState[\(i)] == 0 -> rmState[\(i)] = 1; prepared[\(i)] = 1 }\n"
    out += "  :: d_step { rmState[\(i)] == 0 -> rmState[\(i)] = 3 }\n"
    out += "  :: d_step { commitMsg -> rmState[\(i)] = 2 }\n"
    out += "  :: d_step { abortMsg -> rmState[\(i)] = 3 }\n"
  }
  out += "  od\n}\n"
  return out
}
