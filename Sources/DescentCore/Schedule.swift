/// A learning-rate schedule: the lr used by optimizer step k, for k = 0 … steps − 1.
public enum LearningRateSchedule: Sendable, Hashable {
  /// lr_k = lr.
  case constant(Double)

  /// The lr of step 0 (the base lr).
  public var initialRate: Double {
    switch self {
    case .constant(let rate): rate
    }
  }

  /// A cursor that yields lr_0, lr_1, … in order.
  public func makeCursor(totalSteps: Int) -> ScheduleCursor {
    ScheduleCursor(schedule: self, totalSteps: totalSteps)
  }

  /// lr_k computed by stepping a cursor (O(k); use a cursor for sequences).
  public func rate(atStep step: Int, totalSteps: Int) -> Double {
    var cursor = makeCursor(totalSteps: totalSteps)
    for _ in 0..<step { cursor.advance() }
    return cursor.rate
  }
}

/// Steps through a schedule in order, keeping the state torch's recursive schedulers keep.
public struct ScheduleCursor: Sendable {
  public let schedule: LearningRateSchedule
  public let totalSteps: Int
  /// The step whose lr `rate` is.
  public private(set) var step = 0
  /// lr of the current step.
  public private(set) var rate: Double

  init(schedule: LearningRateSchedule, totalSteps: Int) {
    self.schedule = schedule
    self.totalSteps = totalSteps
    rate = schedule.initialRate
  }

  /// Moves to the next step.
  public mutating func advance() {
    step += 1
    switch schedule {
    case .constant: break
    }
  }
}
