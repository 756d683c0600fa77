import CommitCheck
import Foundation
import Testing

/// `commitcheck report`: one self-contained HTML page. These tests read the page as text; the
/// browser tests (`HtmlReportBrowserTests`) run its script in headless Chromium.
struct HtmlReportTests {
  static func page(_ model: String, _ failure: ShippedModelTests.Failure, n: Int = 3, graphviz: Bool = true,
                   threads: Int = 1, rates: [String: Double] = [:]) throws -> (ModelReport, String) {
    let loaded = try CoverageTests.load(model, failure, n: n)
    var options = ExplorerOptions()
    options.threads = threads
    var report = ReportOptions()
    report.graphviz = graphviz
    report.rates = rates
    let made = try loaded.report(options: options, report: report)
    return (made, HtmlReportWriter.page(made))
  }

  /// The values of every `name="..."` attribute in the page.
  static func attributeValues(_ name: String, in page: String) -> [String] {
    let pattern = try! NSRegularExpression(pattern: "\\s\(name)\\s*=\\s*\"([^\"]*)\"", options: [.caseInsensitive])
    let ns = page as NSString
    return pattern.matches(in: page, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
  }

  @Test("The page names nothing outside itself and stays under 2 MB at N = 3",
        arguments: CoverageTests.settings.indices, [true, false])
  func selfContained(_ i: Int, graphviz: Bool) throws {
    let (name, failure) = CoverageTests.settings[i]
    let (_, page) = try Self.page(name, failure, graphviz: graphviz)
    #expect(page.utf8.count < 2_000_000)
    #expect(!page.contains("http:") && !page.contains("https:"), "a URL in the page")
    #expect(!page.contains("@import"))
    #expect(!page.contains("<link") && !page.contains("<iframe") && !page.contains("<img"))
    for attribute in ["src", "href", "xlink:href", "action", "data"] {
      for value in Self.attributeValues(attribute, in: page) {
        #expect(value.hasPrefix("#"), "\(attribute)=\"\(value)\" leaves the page")
      }
    }
    // `url(...)` only for the page's own markers (`url(#termination-ah)`).
    let urls = page.components(separatedBy: "url(").dropFirst()
    #expect(urls.allSatisfy { $0.hasPrefix("#") }, "url() outside the page")
    #expect(!page.contains("<script src"))
  }

  @Test("The same model and options give a byte-identical page, for any number of threads")
  func deterministic() throws {
    let (_, a) = try Self.page("three-phase-commit-timeouts", .partition)
    let (_, b) = try Self.page("three-phase-commit-timeouts", .partition, threads: 2)
    #expect(a == b)
    // The command line writes the same page.
    let (code, out, _) = try runTool(["report", modelPath("three-phase-commit-timeouts"), "--param", "N=3", "--partition",
                                      "--output", "-", "-q"])
    #expect(code == 1)
    #expect(out == a)
  }

  @Test("The page's verdicts and coverage are the check's numbers")
  func sameNumbers() throws {
    let (made, page) = try Self.page("two-phase-commit", .crashCoordinator)
    let check = try checkShipped("two-phase-commit", n: 3) { $0.crash["Coordinator"] = 1 }
    for p in check.properties {
      #expect(page.contains("<tr data-property=\"\(p.name)\" data-verdict=\"\(p.verdict.rawValue)\">"))
    }
    #expect(page.contains("<dt>States</dt><dd>\(ReportWriter.grouped(check.states))</dd>"))
    #expect(page.contains("<dt>Transitions</dt><dd>\(ReportWriter.grouped(check.transitions))</dd>"))
    let coverage = try #require(made.check.coverage)
    for e in coverage.entries {
      let row = "<td>\(e.role ?? "network")</td><td>\(e.transition)</td><td class=\"num\">\(e.line.map(String.init) ?? "—")</td>"
        + "<td class=\"num\">\(ReportWriter.grouped(e.fired))</td><td class=\"num\">\(ReportWriter.grouped(e.newStates))</td>"
      #expect(page.contains(row), "\(e.transition)")
    }
    // Without a coordinator timeout that can fire here, 'vote_timeout' never fires: its row says
    // so in words.
    #expect(coverage.neverFired.map(\.transition) == ["vote_timeout"])
    #expect(page.contains("<td>vote_timeout</td><td class=\"num\">52</td><td class=\"num\">0</td><td class=\"num\">0</td><td>never fires</td>"))
  }

  @Test("Without Graphviz every role is drawn by the built-in layout, never-used parts dashed and named")
  func builtInLayout() throws {
    let (made, page) = try Self.page("two-phase-commit", .crashCoordinator, graphviz: false)
    #expect(made.machineDrawings == nil)
    #expect(page.components(separatedBy: "<svg class=\"machine\"").count - 1 == made.system.roles.count)
    #expect(page.contains("<g class=\"edge dead\"><title>vote_timeout"))
    #expect(page.contains("vote_timeout (unused)"))
    for role in made.system.roles {
      for state in role.states { #expect(page.contains(state), "state \(state) is not drawn") }
    }
  }

  @Test("With Graphviz, its drawing is inlined with never-used transitions in the readable grey")
  func graphvizDrawing() throws {
    _ = try dotExecutable()
    let (made, page) = try Self.page("two-phase-commit", .crashCoordinator)
    #expect(made.machineDrawings?.count == made.system.roles.count)
    #expect(page.components(separatedBy: "class=\"drawing\"").count - 1 == made.system.roles.count)
    #expect(page.contains("stroke=\"\(HtmlReportWriter.deadColor)\" stroke-dasharray"))
  }

  @Test("Rates give the outcome probabilities: commit is every participant voting yes")
  func outcomes() throws {
    // Each participant picks vote_yes (rate 1) or vote_no (rate 0.25) when Prepare arrives: yes
    // with probability 1 / 1.25 = 0.8. Commit needs all three: 0.8^3 = 0.512 (closed form).
    let (made, page) = try Self.page("two-phase-commit", .none, rates: ["vote_no": 0.25])
    let markov = try #require(made.markov)
    #expect(abs(markov.outcomes[Outcome.commit.rawValue] - 0.512) < 1e-9)
    #expect(page.contains("<tr><th scope=\"row\">commit</th>"))
    #expect(page.contains("<td class=\"num\">0.512000</td>"))
    // No rates and none in the model: no Markov section.
    let (plain, plainPage) = try Self.page("two-phase-commit", .none)
    #expect(plain.markov == nil && !plainPage.contains("id=\"outcomes\""))
  }

  @Test("report refuses what it cannot do: no --output, --compact-hash, an unknown rate")
  func refusals() throws {
    let model = modelPath("two-phase-commit")
    let (noOutput, _, e1) = try runTool(["report", model])
    #expect(noOutput == 2 && e1.contains("--output"))
    let (compact, _, e2) = try runTool(["report", model, "--compact-hash", "--output", "-"])
    #expect(compact == 2 && e2.contains("--compact-hash"))
    let (rate, _, e3) = try runTool(["report", model, "--rate", "nonsense=2", "--output", "-"])
    #expect(rate == 2 && e3.contains("nonsense"))
  }
}
