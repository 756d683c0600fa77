/// A JSON value whose objects keep their keys in the order written, so output is stable.
public indirect enum JSON: Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  /// Pretty-printed with two-space indentation and a final newline.
  public func rendered() -> String {
    var out = ""
    write(into: &out, indent: 0)
    out += "\n"
    return out
  }

  func write(into out: inout String, indent: Int) {
    let pad = String(repeating: "  ", count: indent + 1), closePad = String(repeating: "  ", count: indent)
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d):
      if d.isFinite {
        out += d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
      } else {
        out += "null"
      }
    case .string(let s): JSON.escape(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        item.write(into: &out, indent: indent + 1)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      out += closePad + "]"
    case .object(let fields):
      if fields.isEmpty {
        out += "{}"
        return
      }
      out += "{\n"
      for (i, (key, value)) in fields.enumerated() {
        out += pad
        JSON.escape(key, into: &out)
        out += ": "
        value.write(into: &out, indent: indent + 1)
        out += i + 1 < fields.count ? ",\n" : "\n"
      }
      out += closePad + "}"
    }
  }

  static func escape(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}

extension JSON {
  /// A string, or null.
  static func nullable(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }
  /// An integer, or null.
  static func nullable(_ i: Int?) -> JSON { i.map { .int($0) } ?? .null }
  /// A boolean, or null.
  static func nullable(_ b: Bool?) -> JSON { b.map { .bool($0) } ?? .null }
  /// An array of strings.
  static func strings(_ items: [String]) -> JSON { .array(items.map { .string($0) }) }
}
