import Foundation

/// An SVG line chart of how the cost of TwoPhase grows with N: nanoseconds per state for each
/// `twophase-nN` row of a run (cases with symmetry left out). Flat means linear growth. Nil
/// when the run has fewer than two such rows.
func costChart(_ rows: [Row], threads: Int) -> String? {
  let points = rows.compactMap { r -> (n: Int, cost: Double, states: Int)? in
    guard let n = chartedN(r.name), r.states > 0 else { return nil }
    return (n, r.seconds * 1e9 / Double(r.states), r.states)
  }.sorted { $0.n < $1.n }
  guard points.count >= 2 else { return nil }
  let width = 480.0, height = 300.0, left = 64.0, right = 24.0, top = 44.0, bottom = 56.0
  let plotWidth = width - left - right, plotHeight = height - top - bottom
  let ceiling = niceCeiling(points.map(\.cost).max()! * 1.15)
  // Points keep clear of the axes by `inset`.
  let inset = 24.0
  func x(_ k: Int) -> Double { left + inset + (plotWidth - 2 * inset) * Double(k) / Double(points.count - 1) }
  func y(_ cost: Double) -> Double { top + plotHeight * (1 - cost / ceiling) }
  func f(_ v: Double) -> String { String(format: "%.1f", v) }
  var svg = """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
    viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
    <rect width="100%" height="100%" fill="white"/>
    <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="14">\
    TwoPhase: time per state against N (\(threads) thread\(threads == 1 ? "" : "s"))</text>

    """
  for k in 0...4 {
    let value = ceiling * Double(k) / 4
    svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(value)))\" stroke=\"#ddd\"/>\n"
    svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(Int(value.rounded()))</text>\n"
  }
  svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"black\"/>\n"
  svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\" stroke=\"black\"/>\n"
  let line = points.indices.map { "\(f(x($0))),\(f(y(points[$0].cost)))" }.joined(separator: " ")
  svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n"
  for (k, p) in points.enumerated() {
    svg += "<circle cx=\"\(f(x(k)))\" cy=\"\(f(y(p.cost)))\" r=\"3.5\" fill=\"#1f77b4\"/>\n"
    svg += "<text x=\"\(f(x(k)))\" y=\"\(f(y(p.cost) - 9))\" text-anchor=\"middle\">\(Int(p.cost.rounded()))</text>\n"
    svg += "<text x=\"\(f(x(k)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(p.n)</text>\n"
    svg += "<text x=\"\(f(x(k)))\" y=\"\(f(top + plotHeight + 30))\" text-anchor=\"middle\" font-size=\"9\" fill=\"#555\">\(compact(p.states))</text>\n"
  }
  svg += """
    <text x="\(f(left + plotWidth / 2))" y="\(f(height - 8))" text-anchor="middle">N (states below)</text>
    <text x="16" y="\(f(top + plotHeight / 2))" text-anchor="middle" \
    transform="rotate(-90 16 \(f(top + plotHeight / 2)))">ns per state</text>
    </svg>

    """
  return svg
}

/// N for a case the chart draws (`twophase-nN`, without symmetry), else nil.
func chartedN(_ name: String) -> Int? {
  name.hasPrefix("twophase-n") ? Int(name.dropFirst("twophase-n".count)) : nil
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `value`.
func niceCeiling(_ value: Double) -> Double {
  guard value > 0 else { return 1 }
  let power = pow(10, floor(log10(value)))
  for step in [1.0, 2.0, 5.0, 10.0] where step * power >= value { return step * power }
  return 10 * power
}

/// A state count in three significant figures: 1.75M, 61.5M, 8.83k.
func compact(_ count: Int) -> String {
  let v = Double(count)
  if v >= 1e9 { return String(format: "%.3gG", v / 1e9) }
  if v >= 1e6 { return String(format: "%.3gM", v / 1e6) }
  if v >= 1e3 { return String(format: "%.3gk", v / 1e3) }
  return String(count)
}
