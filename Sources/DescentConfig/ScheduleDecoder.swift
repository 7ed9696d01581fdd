import DescentCore
import YAMLNode

/// `lr:` — a number, or `{schedule: name, <options>}` (`ScheduleCatalog`).
enum ScheduleDecoder {
  /// The names this key accepts, for messages.
  private static var names: [String] { ScheduleCatalog.schedules.map(\.name) }

  static func decode(_ node: Node, decoding: inout Decoding) -> DecodedSchedule? {
    if node.pairs == nil {
      guard let rate = decoding.number(node, "'lr'", atLeast: 0) else { return nil }
      return DecodedSchedule(value: .constant(rate), text: NodeMerging.numberText(rate), mark: node.mark)
    }
    guard let scheduleNode = node["schedule"] else {
      decoding.error("an lr mapping needs 'schedule' (one of: \(names.joined(separator: ", ")))", at: node.mark)
      return nil
    }
    guard let name = decoding.string(scheduleNode, "'schedule'") else { return nil }
    guard let description = ScheduleCatalog.schedule(named: name) else {
      decoding.unknownKey(name, at: scheduleNode.mark, allowed: names, kind: "schedule")
      return nil
    }
    if name == "onecycle", let pair = node.pairs?.first(where: { $0.key.string == "lr" }) {
      decoding.error("schedule 'onecycle' takes 'max_lr' (its peak lr), not 'lr'", at: pair.key.mark)
      return nil
    }
    let allowed = ["schedule"] + description.options.map(\.name)
    guard let entries = decoding.entries(of: node, allowed: allowed, what: "schedule '\(name)'"),
      let options = OptionDecoder.decode(
        entries, declarations: description.options, skip: ["schedule"], decoding: &decoding),
      entries.count == node.pairs?.count  // unknown keys were reported; building would only repeat them
    else { return nil }
    do {
      let schedule = try description.build(OptionValues(declarations: description.options, given: options.values))
      return DecodedSchedule(
        value: schedule, text: NodeMerging.idText(node, expandingGenerators: false), mark: node.mark,
        optionMarks: options.marks)
    } catch {
      decoding.error(error.message, at: error.option.flatMap { options.marks[$0] } ?? node.mark)
      return nil
    }
  }
}
