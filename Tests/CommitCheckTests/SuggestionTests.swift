import CommitCheck
import Testing

struct SuggestionTests {
  @Test("Did you mean: typos within a third of the name, swaps, and unique abbreviations", arguments: [
    ("chek", ["check", "trace", "graph"], "check"),
    ("Coordinater", ["Coordinator", "Participant"], "Coordinator"),
    ("comitted", ["working", "prepared", "committed", "aborted"], "committed"),
    ("--qu", ["--quiet", "--format", "--timing"], "--quiet"),
    ("atomicty", ["atomicity", "termination", "validity"], "atomicity"),
    ("tarce", ["check", "trace"], "trace"),
  ])
  func suggests(name: String, known: [String], expected: String) {
    #expect(Suggestion.closest(to: name, among: known) == expected)
  }

  @Test("No suggestion when nothing is close", arguments: [
    ("Ballot", ["Prepare", "Vote", "Decision"]),
    ("x", ["check", "trace"]),
    ("--q", ["--quiet", "--quick"]),
  ])
  func noSuggestion(name: String, known: [String]) {
    #expect(Suggestion.closest(to: name, among: known) == nil)
  }
}
