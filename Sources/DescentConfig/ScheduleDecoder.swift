import DescentCore
import YAMLNode

/// `lr:` — a number, or `{schedule: name, ...}`.
enum ScheduleDecoder {
  static let schedules = ["constant"]

  static func decode(_ node: Node, decoding: inout Decoding) -> DecodedSchedule? {
    if node.pairs == nil {
      guard let rate = decoding.number(node, "'lr'", atLeast: 0) else { return nil }
      return DecodedSchedule(value: .constant(rate), text: NumberText.shortest(rate), mark: node.mark)
    }
    guard let scheduleNode = node["schedule"] else {
      decoding.error("an lr mapping needs 'schedule' (one of: \(schedules.joined(separator: ", ")))", at: node.mark)
      return nil
    }
    guard let name = decoding.string(scheduleNode, "'schedule'") else { return nil }
    guard schedules.contains(name) else {
      decoding.unknownKey(name, at: scheduleNode.mark, allowed: schedules, kind: "schedule")
      return nil
    }
    guard let entries = decoding.entries(of: node, allowed: ["schedule", "lr"], what: "schedule '\(name)'") else {
      return nil
    }
    guard let rateNode = entries.first(where: { $0.key == "lr" })?.value else {
      decoding.error("schedule '\(name)' needs 'lr'", at: node.mark)
      return nil
    }
    guard let rate = decoding.number(rateNode, "'lr'", atLeast: 0) else { return nil }
    return DecodedSchedule(value: .constant(rate), text: NodeMerging.idText(node), mark: node.mark)
  }
}
