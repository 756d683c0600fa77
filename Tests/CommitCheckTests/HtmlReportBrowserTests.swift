import CommitCheck
import Foundation
import Synchronization
import Testing

/// Each shipped model's report, opened from disk in headless Chromium with its script running:
/// a fragment opens a counterexample at its first, middle and last step, and the DOM Chromium
/// dumps must show that step (highlighted, its text, its changed variables marked) and the
/// verdict table; at a phone's width no page is wider than the screen; a screenshot of each page
/// must not be blank.
///
/// Runs where `chromium` is on the PATH, and always in CI (`CI=true`), whose `.ci/run` installs
/// it: there a missing Chromium fails the test instead of skipping it. Chromium gets no network
/// (every host name resolves to nothing) and its runs go two at a time.
struct HtmlReportBrowserTests {
  static let chromium: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
        return "\(dir)/\(name)"
      }
    }
    return nil
  }()
  static let required = ProcessInfo.processInfo.environment["CI"] == "true"

  /// One setting per shipped model: its first row of the verdict table with a violation, else
  /// its first row.
  static let pages: [(model: String, failure: ShippedModelTests.Failure)] = shippedModelNames.map { name in
    let rows = CoverageTests.settings.filter { $0.model == name }
    let violated = ShippedModelTests.rows.first {
      $0.model == name && ($0.atomicity == .violated || $0.termination.flatMap { $0 } != nil)
    }
    return (name, violated?.failure ?? rows[0].failure)
  }

  /// Runs Chromium headless on `url` with `mode` (`--dump-dom`, `--screenshot=FILE`); returns stdout.
  /// `frames`: let file pages read each other (the frames page reads its frames' DOM).
  static func chromium(_ executable: String, _ mode: String, _ url: String, profile: String,
                       frames: Bool = false) throws -> String {
    var arguments = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--user-data-dir=\(profile)", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
                     "--window-size=1280,900", "--virtual-time-budget=3000", mode, url]
    // Chromium's sandbox refuses to run as root.
    if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
    if frames { arguments.insert("--allow-file-access-from-files", at: 0) }
    let (code, out, err) = try runProcess(URL(fileURLWithPath: executable), arguments)
    #expect(code == 0, "chromium \(mode) \(url): \(err.suffix(500))")
    return out
  }

  /// Decodes the top 240 rows of a PNG (8-bit RGB or RGBA, not interlaced: what Chromium writes;
  /// the page's title, links and summary are there) and prints its width, height, the number of
  /// distinct colours in those rows and the fraction of their pixels unlike the most common
  /// colour. Pure Python, so only the rows needed.
  static let pngSummary = """
    import sys, struct, zlib, collections
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
    pos, idat, header = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR': header = struct.unpack('>IIBBBBB', body)
        if kind == b'IDAT': idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    height = min(height, 240)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    counts = collections.Counter(r[i:i + 3] for r in rows for i in range(0, stride, bpp))
    common = counts.most_common(1)[0][1]
    print(width, height, len(counts), 1 - common / (width * height))
    """

  @Test("Each shipped model's report runs in headless Chromium: steps by fragment, the verdict table, a screenshot",
        .enabled(if: chromium != nil || required, "chromium is not installed (apt-get install chromium); CI installs it"))
  func browser() throws {
    guard let chromium = Self.chromium else {
      Issue.record("CI=true, but chromium is not on the PATH: .ci/run installs it")
      return
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-browser-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    // The pages, from the command line; each violated property's first, middle and last step.
    struct Visit: Sendable { var page: Int; var property: String?; var step: Int }
    var reports: [ModelReport] = []
    var visits: [Visit] = []
    for (i, (model, failure)) in Self.pages.enumerated() {
      let file = dir.appendingPathComponent("\(model).html").path
      var arguments = ["report", modelPath(model), "--param", "N=3", "--output", file, "-q"]
      switch failure {
      case .none: break
      case .crashCoordinator: arguments += ["--crash", "Coordinator=1"]
      case .crashParticipant: arguments += ["--crash", "Participant=1"]
      case .partition: arguments += ["--partition"]
      }
      let (code, _, err) = try runTool(arguments)
      let (made, page) = try HtmlReportTests.page(model, failure)
      #expect(code == (made.check.violated ? 1 : 0), "\(model): \(err)")
      #expect(try String(contentsOfFile: file, encoding: .utf8) == page, "\(model): the command's page is the library's")
      reports.append(made)
      visits.append(Visit(page: i, property: nil, step: 0))
      if let x = made.counterexamples.first {
        let last = x.trace.steps.count - 1
        for step in Set([0, last / 2, last]).sorted() { visits.append(Visit(page: i, property: x.property.name, step: step)) }
      }
    }
    #expect(visits.contains { $0.property != nil })
    // Every step visit in one Chromium run: a page of frames, each a report opened at its
    // fragment, whose script copies each frame's DOM (after the report's own script ran) into
    // the page. Chromium starts in about two seconds, so this saves one start per visit.
    var frames = "<!DOCTYPE html>\n<html><body>\n"
    for (k, v) in visits.enumerated() {
      guard let property = v.property else { continue }
      frames += "<iframe id=\"f\(k)\" src=\"\(Self.pages[v.page].model).html#\(property)/step/\(v.step)\" width=\"1280\" height=\"600\"></iframe>\n"
    }
    // And each page at a phone's width (390 px): it must not be wider than that (wide charts and
    // tables scroll inside their own boxes).
    for (i, page) in Self.pages.enumerated() {
      frames += "<iframe id=\"phone-\(i)\" class=\"phone\" src=\"\(page.model).html\" width=\"390\" height=\"700\"></iframe>\n"
    }
    frames += """
      <script>
      window.addEventListener("load", function () {
        document.querySelectorAll("iframe").forEach(function (f) {
          var out = document.createElement("pre");
          out.id = "dom-" + f.id;
          var root = f.contentDocument.documentElement;
          out.textContent = f.classList.contains("phone") ? root.scrollWidth + " " + root.clientWidth : root.outerHTML;
          document.body.appendChild(out);
        });
      });
      </script>
      </body></html>

      """
    try frames.write(to: dir.appendingPathComponent("frames.html"), atomically: true, encoding: .utf8)
    // The frames run and the screenshots, two Chromium runs at a time (each uses several threads).
    let results = Mutex<[Int: String]>([:])
    let errors = Mutex<[String]>([])
    let shots = visits.indices.filter { visits[$0].property == nil }
    let planned = visits
    DispatchQueue.concurrentPerform(iterations: shots.count + 1) { j in
      let profile = dir.appendingPathComponent("profile-\(j)").path
      do {
        guard j < shots.count else {
          let url = "file://" + dir.appendingPathComponent("frames.html").path
          let dom = try Self.chromium(chromium, "--dump-dom", url, profile: profile, frames: true)
          for (k, v) in planned.enumerated() where v.property != nil {
            guard let start = dom.range(of: "<pre id=\"dom-f\(k)\">"),
                  let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else { continue }
            let text = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
              .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&nbsp;", with: "\u{A0}")
              .replacingOccurrences(of: "&amp;", with: "&")
            results.withLock { $0[k] = text }
          }
          for i in Self.pages.indices {
            guard let start = dom.range(of: "<pre id=\"dom-phone-\(i)\">"),
                  let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else { continue }
            results.withLock { $0[-1 - i] = String(dom[start.upperBound..<end.lowerBound]) }
          }
          return
        }
        let k = shots[j]
        let url = "file://" + dir.appendingPathComponent("\(Self.pages[planned[k].page].model).html").path
        let png = dir.appendingPathComponent("shot-\(k).png").path
        _ = try Self.chromium(chromium, "--screenshot=\(png)", url, profile: profile)
        let (code, out, err) = try runPython(Self.pngSummary, [png])
        results.withLock { $0[k] = code == 0 ? out : "python: \(err)" }
      } catch {
        errors.withLock { $0.append("\(error)") }
      }
    }
    #expect(errors.withLock { $0 }.isEmpty, "\(errors.withLock { $0 })")
    let outputs = results.withLock { $0 }
    for (i, page) in Self.pages.enumerated() {
      let widths = try #require(outputs[-1 - i], "\(page.model): no phone-width figures").split(separator: " ").compactMap { Int($0) }
      #expect(widths.count == 2 && widths[0] <= widths[1], "\(page.model) at 390 px: the page is \(widths) wide")
    }
    for (k, v) in visits.enumerated() {
      let model = Self.pages[v.page].model
      let output = try #require(outputs[k], "no result for \(model)")
      guard let property = v.property else {
        // Width, height, distinct colours, share of pixels unlike the background.
        let figures = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(figures.count == 4 && figures[0] == 1280 && figures[2] >= 16 && figures[3] > 0.02,
                "\(model): the screenshot looks blank (\(output))")
        continue
      }
      try checkStep(dom: output, report: reports[v.page], property: property, step: v.step, model: model)
    }
  }

  /// The DOM after the script ran at `#property/step/step`: that step is current (and only it),
  /// its state shows with the variables it changed marked, and the verdict table is there.
  func checkStep(dom: String, report: ModelReport, property: String, step: Int, model: String) throws {
    let where_ = "\(model) #\(property)/step/\(step)"
    let x = try #require(report.counterexamples.first { $0.property.name == property })
    let last = x.trace.steps.count - 1
    for p in report.check.properties {
      #expect(dom.contains("<tr data-property=\"\(p.name)\" data-verdict=\"\(p.verdict.rawValue)\">"), "\(where_): verdict row \(p.name)")
    }
    let start = try #require(dom.range(of: "<section class=\"counterexample\" id=\"\(property)\""), "\(where_): no chart")
    let section = String(dom[start.lowerBound...]).components(separatedBy: "</section>")[0]
    #expect(section.contains("data-current=\"\(step)\""), "\(where_): the script did not select the step")
    #expect(section.contains("Step \(step) of \(last)"), "\(where_)")
    // The step list: this step's item alone is current, and holds the step's text.
    let items = section.components(separatedBy: "<li ").dropFirst()
    let current = items.filter { $0.prefix { $0 != ">" }.contains("aria-current=\"step\"") }
    #expect(current.count == 1, "\(where_): \(current.count) current steps")
    let item = try #require(current.first)
    #expect(item.hasPrefix("data-step=\"\(step)\""), "\(where_): the wrong step is current")
    let text = HtmlReportWriterTestAccess.escape(x.trace.steps[step].text)
    #expect(item.contains(text), "\(where_): the current item lacks the step's text")
    // The states: only this step's shows.
    let states = section.components(separatedBy: "<div class=\"state\" data-step=\"").dropFirst()
    #expect(states.count == last + 1)
    for s in states {
      let k = Int(s.prefix { $0.isNumber })!
      let hidden = s.prefix { $0 != ">" }.contains("hidden")
      #expect(hidden == (k != step), "\(where_): state \(k) \(hidden ? "hidden" : "shown")")
      guard k == step else { continue }
      // Every variable the step changed is marked, with its new value.
      for change in x.trace.steps[step].changeDetails {
        #expect(s.contains("<mark class=\"changed\">● \(HtmlReportWriterTestAccess.escape(change.text))</mark>"),
                "\(where_): \(change.text) is not marked as changed")
      }
      if step > 0, let moved = x.trace.steps[step].newState {
        #expect(s.contains("<mark class=\"changed\">● \(moved)"), "\(where_): the move to \(moved) is not marked")
      }
      if step == 0 { #expect(!s.contains("<mark"), "\(where_): nothing changes in the initial state") }
    }
  }
}

/// The page's escaping, as the tests need it to find text in the DOM.
enum HtmlReportWriterTestAccess {
  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}
