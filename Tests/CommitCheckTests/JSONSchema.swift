import Foundation

/// A JSON value as parsed for schema validation: numbers keep whether they are integers, and
/// objects keep their keys in the order written.
enum JSONValue: Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(key: String, value: JSONValue)])

  subscript(key: String) -> JSONValue? {
    if case .object(let fields) = self { return fields.first { $0.key == key }?.value }
    return nil
  }

  var string: String? { if case .string(let s) = self { s } else { nil } }
  var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
  var int: Int? { if case .number(let d) = self, d == d.rounded() { Int(exactly: d) } else { nil } }

  /// The JSON Schema type names the value has: an integral number is both `integer` and `number`.
  var typeNames: Set<String> {
    switch self {
    case .null: ["null"]
    case .bool: ["boolean"]
    case .number(let d): d == d.rounded() && d.isFinite ? ["integer", "number"] : ["number"]
    case .string: ["string"]
    case .array: ["array"]
    case .object: ["object"]
    }
  }

  /// Objects are equal when they have the same keys with equal values, in any order.
  static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)):
      x.count == y.count && x.allSatisfy { field in y.contains { $0.key == field.key && $0.value == field.value } }
    default: false
    }
  }

  var description: String {
    switch self {
    case .null: "null"
    case .bool(let b): String(b)
    case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    case .string(let s): "'\(s)'"
    case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
    case .object(let o): "{" + o.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }
  }
}

/// A strict JSON parser (RFC 8259): one value, nothing after it, no duplicate keys.
struct JSONParser {
  struct Failure: Error, CustomStringConvertible {
    var offset: Int
    var reason: String
    var description: String { "invalid JSON at byte \(offset): \(reason)" }
  }

  private let bytes: [UInt8]
  private var position = 0

  static func parse(_ text: String) throws(Failure) -> JSONValue {
    var parser = JSONParser(bytes: Array(text.utf8))
    let value = try parser.value()
    parser.skipSpace()
    guard parser.position == parser.bytes.count else { throw parser.failure("text after the value") }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

  private mutating func skipSpace() {
    while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
  }

  private var next: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func expect(_ literal: String) throws(Failure) {
    for byte in literal.utf8 {
      guard next == byte else { throw failure("expected '\(literal)'") }
      position += 1
    }
  }

  private mutating func value() throws(Failure) -> JSONValue {
    skipSpace()
    switch next {
    case UInt8(ascii: "n"): try expect("null"); return .null
    case UInt8(ascii: "t"): try expect("true"); return .bool(true)
    case UInt8(ascii: "f"): try expect("false"); return .bool(false)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "["):
      position += 1
      var items: [JSONValue] = []
      skipSpace()
      if next == UInt8(ascii: "]") { position += 1; return .array(items) }
      while true {
        items.append(try value())
        skipSpace()
        if next == UInt8(ascii: ",") { position += 1; continue }
        try expect("]")
        return .array(items)
      }
    case UInt8(ascii: "{"):
      position += 1
      var fields: [(key: String, value: JSONValue)] = []
      skipSpace()
      if next == UInt8(ascii: "}") { position += 1; return .object(fields) }
      while true {
        skipSpace()
        guard next == UInt8(ascii: "\"") else { throw failure("expected a key") }
        let key = try string()
        if fields.contains(where: { $0.key == key }) { throw failure("duplicate key '\(key)'") }
        skipSpace()
        try expect(":")
        fields.append((key, try value()))
        skipSpace()
        if next == UInt8(ascii: ",") { position += 1; continue }
        try expect("}")
        return .object(fields)
      }
    case let c? where c == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c):
      return .number(try number())
    default:
      throw failure("expected a value")
    }
  }

  private mutating func number() throws(Failure) -> Double {
    let start = position
    func digits() -> Int {
      let from = position
      while let c = next, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { position += 1 }
      return position - from
    }
    if next == UInt8(ascii: "-") { position += 1 }
    let integerStart = position
    let count = digits()
    guard count > 0 else { throw failure("expected digits") }
    if count > 1 && bytes[integerStart] == UInt8(ascii: "0") { throw failure("a leading zero") }
    if next == UInt8(ascii: ".") {
      position += 1
      guard digits() > 0 else { throw failure("expected digits after '.'") }
    }
    if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
      position += 1
      if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw failure("expected an exponent") }
    }
    guard let d = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else { throw failure("a bad number") }
    return d
  }

  private mutating func string() throws(Failure) -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var run: [UInt8] = []
    func flush() {
      scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
      run.removeAll()
    }
    while true {
      guard let c = next else { throw failure("an unterminated string") }
      position += 1
      switch c {
      case UInt8(ascii: "\""):
        flush()
        return String(scalars)
      case UInt8(ascii: "\\"):
        flush()
        guard let e = next else { throw failure("an unterminated escape") }
        position += 1
        switch e {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code) {
            try expect("\\u")
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { throw failure("a lone surrogate") }
          scalars.append(scalar)
        default: throw failure("a bad escape")
        }
      default:
        guard c >= 0x20 else { throw failure("a control character in a string") }
        run.append(c)
      }
    }
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard position + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
    else { throw failure("expected four hex digits") }
    position += 4
    return v
  }
}

/// Validates JSON against the schemas of one folder, in the subset of JSON Schema draft 2020-12
/// the report schemas use: `type` (a name or a list of names, so `["string", "null"]` is
/// nullable), `properties`, `required`, `additionalProperties` (false, true or a schema),
/// `items`, `enum`, `const`, `$ref` (`#/$defs/NAME` in the same file, or `FILE#/$defs/NAME` in
/// another of the folder) with `$defs`, and the annotations `$schema`, `$id`, `title`,
/// `description` and `$comment`.
///
/// Any other keyword is an error in the schema, never silently ignored: a schema the validator
/// does not fully understand would pass what it should reject.
struct SchemaValidator: Sendable {
  struct SchemaError: Error, CustomStringConvertible {
    var description: String
  }

  static let keywords: Set<String> = ["type", "properties", "required", "additionalProperties", "items", "enum",
                                      "const", "$ref", "$defs", "$schema", "$id", "title", "description", "$comment"]
  static let typeNames: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]

  /// Schemas by file name (`check.schema.json`).
  let schemas: [String: JSONValue]

  init(schemas: [String: JSONValue]) { self.schemas = schemas }

  /// Every `*.schema.json` file of `directory`.
  init(directory: String) throws {
    var schemas: [String: JSONValue] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".schema.json") {
      schemas[name] = try JSONParser.parse(try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8))
    }
    self.schemas = schemas
  }

  /// Checks every schema of every file, referenced or not: only the supported keywords, types
  /// that exist, and `$ref`s that name something.
  func lint() throws(SchemaError) {
    for (file, schema) in schemas.sorted(by: { $0.key < $1.key }) { try lint(schema, file: file) }
  }

  private func lint(_ schema: JSONValue, file: String) throws(SchemaError) {
    if case .bool = schema { return }
    guard case .object(let keywords) = schema else { throw SchemaError(description: "\(file): a schema must be an object or a boolean") }
    for (keyword, value) in keywords {
      switch keyword {
      case "properties", "$defs":
        guard case .object(let children) = value else { throw SchemaError(description: "\(file): \(keyword) must be an object") }
        for (_, child) in children { try lint(child, file: file) }
      case "additionalProperties", "items": try lint(value, file: file)
      case "$ref":
        guard let ref = value.string else { throw SchemaError(description: "\(file): $ref must be a string") }
        _ = try resolve(ref, from: file)
      case "type":
        let names = value.array?.compactMap(\.string) ?? value.string.map { [$0] } ?? []
        guard !names.isEmpty, names.allSatisfy(Self.typeNames.contains) else { throw SchemaError(description: "\(file): bad type \(value)") }
      case "enum", "required":
        guard value.array != nil else { throw SchemaError(description: "\(file): \(keyword) must be an array") }
      default:
        guard Self.keywords.contains(keyword) else { throw SchemaError(description: "\(file): unsupported keyword '\(keyword)'") }
      }
    }
  }

  /// What is wrong with `instance` under the schema in `file`, one line each with the JSON
  /// pointer of the offending value; empty when it is valid.
  func validate(_ instance: JSONValue, against file: String) throws(SchemaError) -> [String] {
    guard let schema = schemas[file] else { throw SchemaError(description: "no schema '\(file)'") }
    var problems: [String] = []
    try check(instance, schema, file: file, at: "", into: &problems)
    return problems
  }

  private func check(_ instance: JSONValue, _ schema: JSONValue, file: String, at path: String,
                     into problems: inout [String]) throws(SchemaError) {
    if case .bool(let accepts) = schema {
      if !accepts { problems.append("\(path.isEmpty ? "/" : path): no value is allowed here") }
      return
    }
    guard case .object(let keywords) = schema else { throw SchemaError(description: "\(file): a schema must be an object or a boolean") }
    for (keyword, _) in keywords where !Self.keywords.contains(keyword) {
      throw SchemaError(description: "\(file): unsupported keyword '\(keyword)'")
    }
    let here = path.isEmpty ? "/" : path
    if let ref = schema["$ref"] {
      guard let ref = ref.string else { throw SchemaError(description: "\(file): $ref must be a string") }
      let (target, targetFile) = try resolve(ref, from: file)
      try check(instance, target, file: targetFile, at: path, into: &problems)
    }
    if let type = schema["type"] {
      let names = type.array?.compactMap(\.string) ?? type.string.map { [$0] } ?? []
      guard !names.isEmpty, names.allSatisfy(Self.typeNames.contains) else {
        throw SchemaError(description: "\(file): bad type \(type)")
      }
      if instance.typeNames.isDisjoint(with: names) {
        problems.append("\(here): \(instance) is not of type \(names.joined(separator: " or "))")
        return
      }
    }
    if let options = schema["enum"] {
      guard let options = options.array else { throw SchemaError(description: "\(file): enum must be an array") }
      if !options.contains(instance) {
        problems.append("\(here): \(instance) is not one of \(options.map(\.description).joined(separator: ", "))")
      }
    }
    if let constant = schema["const"], constant != instance {
      problems.append("\(here): \(instance) is not \(constant)")
    }
    if case .object(let fields) = instance {
      let properties = schema["properties"]
      if let required = schema["required"] {
        guard let names = required.array?.compactMap(\.string) else { throw SchemaError(description: "\(file): required must list names") }
        for name in names where !fields.contains(where: { $0.key == name }) {
          problems.append("\(here): the required key '\(name)' is missing")
        }
      }
      for (key, value) in fields {
        let child = path + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        if let sub = properties?[key] {
          try check(value, sub, file: file, at: child, into: &problems)
        } else if let additional = schema["additionalProperties"] {
          if case .bool(false) = additional {
            problems.append("\(here): the key '\(key)' is not allowed")
          } else {
            try check(value, additional, file: file, at: child, into: &problems)
          }
        }
      }
    }
    if case .array(let items) = instance, let itemSchema = schema["items"] {
      for (i, item) in items.enumerated() {
        try check(item, itemSchema, file: file, at: "\(path)/\(i)", into: &problems)
      }
    }
  }

  /// The schema a `$ref` names, and the file it is in (local references inside it are relative
  /// to that file).
  private func resolve(_ ref: String, from file: String) throws(SchemaError) -> (JSONValue, String) {
    let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let targetFile = parts[0].isEmpty ? file : parts[0]
    guard var node = schemas[targetFile] else { throw SchemaError(description: "\(file): $ref to an unknown file '\(ref)'") }
    let pointer = parts.count > 1 ? parts[1] : ""
    for token in pointer.split(separator: "/").map(String.init) {
      let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
      guard let child = node[key] else { throw SchemaError(description: "\(file): $ref '\(ref)' names nothing") }
      node = child
    }
    return (node, targetFile)
  }
}
