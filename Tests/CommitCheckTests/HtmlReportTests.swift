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
    // Without a coordinator timeout that can fire here, 'vote_timeout' never fires, nor, without
    // a recovery, 'resume' (a restarted coordinator's step): the rows say so in words.
    #expect(coverage.neverFired.map(\.transition) == ["vote_timeout", "resume"])
    #expect(page.contains("<td>vote_timeout</td><td class=\"num\">62</td><td class=\"num\">0</td><td class=\"num\">0</td><td>never fires</td>"))
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
    // A partial exploration has no chain: the page says why.
    var limited = ExplorerOptions()
    limited.maxStates = 20
    var rates = ReportOptions()
    rates.rates = ["vote_no": 0.25]
    let partial = try CoverageTests.load("two-phase-commit", .none).report(options: limited, report: rates)
    #expect(partial.markov == nil && partial.markovSkipped != nil)
    #expect(HtmlReportWriter.page(partial).contains("<p>Not computed: the Markov chain needs the whole state space"))
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

  @Test("Charts mark failures, decisions and a livelock's cycle")
  func marks() throws {
    // 2PC with one message loss (N = 2): the counterexample loses a message.
    var options = CompileOptions()
    options.parameters["N"] = 2
    options.lose = 1
    let lossy = HtmlReportWriter.page(try loadModel(path: modelPath("two-phase-commit"), options: options).report())
    #expect(lossy.contains("<g class=\"arrow lost\"") && lossy.contains("✗ lost"))
    // 3PC with timeouts under a partition: the partition and both decisions are marked.
    let (_, split) = try Self.page("three-phase-commit-timeouts", .partition, n: 2)
    #expect(split.contains("<g class=\"partition\">") && split.contains("partition {"))
    #expect(split.contains("✓ commit") && split.contains("✗ abort"))
    let (_, crash) = try Self.page("two-phase-commit", .crashCoordinator)
    #expect(crash.contains("<g class=\"mark crash\">") && crash.contains("✗ crash"))
    // A counter that goes round for ever without deciding: a livelock, its cycle bracketed in
    // the chart and marked in the step list.
    let counter = try compile("""
      protocol Counter
      role A { var x: 0...2
        state s initial
        state done decides commit
        on s step inc when x < 2 { x += 1 }
        on s step wrap when x == 2 { x = 0 } }
      """)
    let made = try counter.report()
    let x = try #require(made.counterexamples.first)
    #expect(x.property.kind == .livelock)
    let loop = try #require(x.trace.loopStart)
    let page = HtmlReportWriter.page(made)
    #expect(page.contains("<g class=\"cycle\">") && page.contains("↻ cycle</text>"))
    #expect(page.contains("<li data-step=\"\(loop)\" class=\"step cycle-start\">"))
    #expect(page.contains("↻ back to the state after step \(loop)"))
  }

  @Test("Text colours keep a contrast of at least 4.5:1 on their backgrounds")
  func contrast() throws {
    let (_, page) = try Self.page("two-phase-commit", .crashCoordinator)
    // The page's colours, from its style sheet (`--ink: #1b1b1b;`).
    var colours: [String: String] = [:]
    for part in page.components(separatedBy: "--").dropFirst() {
      let pieces = part.split(separator: ":", maxSplits: 1)
      guard pieces.count == 2 else { continue }
      let value = pieces[1].trimmingCharacters(in: .whitespaces).prefix(7)
      if value.hasPrefix("#") && value.count == 7 && colours[String(pieces[0])] == nil { colours[String(pieces[0])] = String(value) }
    }
    func luminance(_ hex: String) -> Double {
      let v = Int(hex.dropFirst(), radix: 16)!
      let channels = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map { c -> Double in
        let s = Double(c) / 255
        return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
      }
      return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    }
    // WCAG 2's contrast ratio.
    func ratio(_ a: String, _ b: String) -> Double {
      let (x, y) = (luminance(a), luminance(b))
      return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
    for text in ["ink", "muted", "ok", "bad", "unknown", "link", "dead"] {
      let colour = try #require(colours[text], "no --\(text) in the style sheet")
      #expect(ratio(colour, "#ffffff") >= 4.5, "--\(text) \(colour) on white")
    }
    for background in ["current", "changed"] {
      let colour = try #require(colours[background])
      #expect(ratio(colours["ink"]!, colour) >= 4.5, "ink on --\(background)")
      #expect(ratio(colours["muted"]!, colour) >= 4.5, "muted on --\(background)")
    }
    #expect(ratio(HtmlReportWriter.deadColor, "#ffffff") >= 4.5)
  }
}
