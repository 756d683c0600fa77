import Foundation
import Testing

/// The schema validator the report tests rely on: it must reject what a schema forbids, or
/// every "valid" below would mean nothing.
struct SchemaValidatorTests {
  /// Two files, the second referring into the first, covering every supported keyword.
  static let validator: SchemaValidator = {
    let common = """
      {"$defs": {"kind": {"enum": ["crash", "lose"]},
                 "failure": {"type": "object",
                             "properties": {"kind": {"$ref": "#/$defs/kind"}, "role": {"type": ["string", "null"]}},
                             "required": ["kind", "role"], "additionalProperties": false}}}
      """
    let report = """
      {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "t", "description": "d",
       "type": "object",
       "properties": {"report": {"const": "check"},
                      "states": {"type": "integer"},
                      "failures": {"type": "array", "items": {"$ref": "common.schema.json#/$defs/failure"}},
                      "parameters": {"type": "object", "additionalProperties": {"type": "integer"}}},
       "required": ["report", "states"],
       "additionalProperties": false}
      """
    return SchemaValidator(schemas: ["common.schema.json": try! JSONParser.parse(common),
                                     "report.schema.json": try! JSONParser.parse(report)])
  }()

  func problems(_ json: String) throws -> [String] {
    try Self.validator.validate(try JSONParser.parse(json), against: "report.schema.json")
  }

  @Test("A valid value passes: nullable types, items, $ref into another file, typed additional keys")
  func accepts() throws {
    #expect(try problems(#"{"report": "check", "states": 3}"#) == [])
    #expect(try problems("""
      {"report": "check", "states": 3, "parameters": {"N": 2, "K": 1},
       "failures": [{"kind": "crash", "role": "Coordinator"}, {"kind": "lose", "role": null}]}
      """) == [])
  }

  @Test("A value of the wrong type is rejected, at its path")
  func wrongType() throws {
    #expect(try problems(#"{"report": "check", "states": "3"}"#) == ["/states: '3' is not of type integer"])
    #expect(try problems(#"{"report": "check", "states": 2.5}"#) == ["/states: 2.5 is not of type integer"])
    #expect(try problems(#"{"report": "check", "states": 1, "parameters": {"N": true}}"#)
      == ["/parameters/N: true is not of type integer"])
    #expect(try problems(#"{"report": "check", "states": 1, "failures": [{"kind": "crash", "role": 1}]}"#)
      == ["/failures/0/role: 1 is not of type string or null"])
    #expect(try problems("[]") == ["/: [] is not of type object"])
  }

  @Test("A missing required key is rejected")
  func missingKey() throws {
    #expect(try problems(#"{"report": "check"}"#) == ["/: the required key 'states' is missing"])
    #expect(try problems(#"{"report": "check", "states": 1, "failures": [{"kind": "lose"}]}"#)
      == ["/failures/0: the required key 'role' is missing"])
  }

  @Test("An unknown key is rejected where additionalProperties is false")
  func unknownKey() throws {
    #expect(try problems(#"{"report": "check", "states": 1, "state": 1}"#) == ["/: the key 'state' is not allowed"])
    #expect(try problems(#"{"report": "check", "states": 1, "failures": [{"kind": "lose", "role": null, "budget": 1}]}"#)
      == ["/failures/0: the key 'budget' is not allowed"])
  }

  @Test("A value outside an enum is rejected, and const accepts only its value")
  func enumAndConst() throws {
    #expect(try problems(#"{"report": "check", "states": 1, "failures": [{"kind": "crashes", "role": null}]}"#)
      == ["/failures/0/kind: 'crashes' is not one of 'crash', 'lose'"])
    #expect(try problems(#"{"report": "trace", "states": 1}"#) == ["/report: 'trace' is not 'check'"])
  }

  @Test("A schema with a keyword the validator does not support is refused, not ignored")
  func unsupportedKeyword() throws {
    let typo = SchemaValidator(schemas: ["s.schema.json": try JSONParser.parse(#"{"type": "object", "requried": ["a"]}"#)])
    #expect(throws: SchemaValidator.SchemaError.self) { try typo.validate(.object([]), against: "s.schema.json") }
    #expect(throws: SchemaValidator.SchemaError.self) { try typo.lint() }
    let dangling = SchemaValidator(schemas: ["s.schema.json": try JSONParser.parse(##"{"$defs": {"a": {"$ref": "#/$defs/b"}}}"##)])
    #expect(throws: SchemaValidator.SchemaError.self) { try dangling.lint() }
  }

  @Test("The parser refuses malformed JSON: text after the value, duplicate keys, a leading zero, a lone surrogate")
  func parser() throws {
    for bad in [#"{"a": 1} x"#, #"{"a": 1, "a": 2}"#, "[01]", #"["\ud800"]"#, "[1,]", #"{"a" 1}"#, "", "\"a\u{01}\""] {
      #expect(throws: JSONParser.Failure.self, "\(bad)") { try JSONParser.parse(bad) }
    }
    #expect(try JSONParser.parse(#"{"a": [1, -2.5e3, true, null, "\u00e9\ud83d\ude00\n"]}"#)
      == .object([("a", .array([.number(1), .number(-2500), .bool(true), .null, .string("é😀\n")]))]))
  }

  @Test("Every report schema in the repository uses only the supported subset, and every $ref resolves")
  func shippedSchemas() throws {
    let schemas = try #require(reportSchemas)
    try schemas.lint()
    #expect(Set(schemas.schemas.keys) == Set((reportKinds + ["common"]).map { "\($0).schema.json" }))
  }
}
