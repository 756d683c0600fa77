import Foundation

/// When a long computation must stop: a signal asked for it, or its deadline passed.
///
/// The phases after exploration (solving a chain, computing invariants, drawing) check it once
/// per sweep, step or batch, so a signal or `--timeout` ends even a long one promptly.
public struct Cancellation: Sendable {
  public var stop: StopSignal?
  public var deadline: Date?

  public init(stop: StopSignal? = nil, deadline: Date? = nil) {
    self.stop = stop
    self.deadline = deadline
  }

  /// Why to stop now, if at all.
  public var reason: StopReason? {
    if let stop, stop.requested != 0 { return .interrupted }
    if let deadline, Date() >= deadline { return .timeout }
    return nil
  }
}

extension ExplorerOptions {
  /// The cancellation of the phases after exploration: the same stop signal, and `timeout`
  /// counted from `start`.
  public func cancellation(from start: Date = Date()) -> Cancellation {
    Cancellation(stop: stop, deadline: timeout.map { start + $0 })
  }
}
