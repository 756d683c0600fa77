/// The report page's style sheet and script, inline in every page.
///
/// Colours keep text at a contrast of at least 4.5:1 on its background, and every colour has a
/// second sign: a symbol (✓ ✗ ?), a dash, an outline or a word.
extension HtmlReportWriter {
  static let style = """
    :root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #8a8a8a; --ok: #1a7f37; --bad: #b42318;
      --unknown: #7a4b00; --link: #0b57d0; --current: #fff0b3; --changed: #ffe08a; --dead: #6e6e6e; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
      background: #fff; }
    header, nav, main { max-width: 1240px; margin: 0 auto; padding: 0 1rem; }
    header { overflow-wrap: anywhere; }
    header h1 { margin: 1rem 0 0; font-size: 1.7rem; }
    .sub { margin: 0.2rem 0 0.6rem; color: var(--muted); }
    nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; padding: 0; margin: 0 0 0.5rem; }
    a { color: var(--link); }
    a:focus-visible, button:focus-visible, section:focus-visible { outline: 3px solid var(--ink); outline-offset: 2px; }
    h2 { font-size: 1.3rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; margin-top: 2rem; }
    code { overflow-wrap: anywhere; }
    code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; padding: 0.5rem; }
    .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(19rem, 1fr)); gap: 0.3rem 1.5rem; margin: 0; }
    .facts div { display: flex; gap: 0.5rem; min-width: 0; } .facts dt { font-weight: 600; min-width: 7.5rem; }
    .facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
    .scroll { overflow-x: auto; max-width: 100%; }
    table { border-collapse: collapse; margin: 0.5rem 0; }
    th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
    thead th { background: #ededed; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    .ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 700; }
    .unknown { color: var(--unknown); font-weight: 600; }
    tr.dead td { color: var(--dead); font-style: italic; }
    .counterexample { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem 1rem; margin-top: 2rem; }
    .controls { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
    .controls button { font: inherit; padding: 0.3rem 0.8rem; border: 1px solid var(--ink); border-radius: 4px;
      background: #fff; color: var(--ink); cursor: pointer; min-height: 44px; }
    .controls button:disabled { color: var(--muted); border-style: dashed; cursor: default; }
    .position { font-weight: 600; }
    .legend { color: var(--muted); font-size: 0.9rem; }
    .chart-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; }
    @media (max-width: 900px) { .chart-grid { grid-template-columns: minmax(0, 1fr); } }
    svg.drawing, svg.machine { max-width: 100%; height: auto; display: block; }
    svg.chart { display: block; }
    svg text { fill: var(--ink); font-family: system-ui, sans-serif; }
    .band { fill: transparent; }
    .band.current { fill: var(--current); stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 5 3; }
    .lifeline { stroke: var(--line); stroke-width: 1.5; }
    .arrow line, .arrow path { stroke: var(--ink); stroke-width: 1.3; fill: none; }
    .arrow.active line, .arrow.active path { stroke-width: 3; }
    .arrow.lost line { stroke-dasharray: 2 3; } .arrow.inflight line { stroke-dasharray: 7 4; }
    .arrow text, .mark text, .steplabel { font-size: 11px; }
    .mark.crash rect { fill: #fde2df; stroke: var(--bad); } .mark.recover rect { fill: #e3ecfb; stroke: var(--link); }
    .mark.commit rect { fill: #dcf1e2; stroke: var(--ok); } .mark.abort rect { fill: #fde2df; stroke: var(--bad); }
    .mark.act circle { fill: var(--ink); }
    .partition line { stroke: var(--bad); stroke-width: 2; stroke-dasharray: 10 4; }
    .cycle path { stroke: var(--ink); stroke-width: 2; fill: none; }
    ol.steps { padding-left: 0; list-style: none; margin: 0; }
    ol.steps li { border-left: 4px solid transparent; }
    ol.steps li.current { background: var(--current); border-left-color: var(--ink); }
    ol.steps li.current button::before { content: "▶ "; }
    ol.steps li.cycle-start { border-top: 2px dashed var(--ink); }
    ol.steps button { font: inherit; text-align: left; width: 100%; background: none; border: 0; padding: 0.25rem 0.4rem;
      color: var(--ink); cursor: pointer; overflow-wrap: anywhere; }
    .state h4 { margin: 0.8rem 0 0.3rem; }
    .state table { font-size: 0.9rem; width: 100%; overflow-wrap: anywhere; }
    .state ul { margin: 0; padding-left: 1.1rem; }
    mark.changed { background: var(--changed); color: var(--ink); font-weight: 600; }
    .was { color: var(--muted); }
    .bars .bar { width: min(28rem, 55vw); height: 1.1rem; border: 1px solid var(--ink); background: #fff; }
    .bars .fill { display: block; height: 100%; background: var(--ink); }
    .bars .fill.commit { background: var(--ok); } .bars .fill.abort, .bars .fill.violation { background: var(--bad); }
    figure.machine { margin: 1rem 0; } figure.machine figcaption { font-weight: 600; }
    .machine .node rect { fill: #fff; stroke: var(--ink); stroke-width: 1.3; }
    .machine .node.commit rect { stroke: var(--ok); stroke-width: 2.5; } .machine .node.abort rect { stroke: var(--bad); stroke-width: 2.5; }
    .machine .edge path { stroke: var(--ink); fill: none; stroke-width: 1.2; }
    .machine .edge text, .machine .node text { font-size: 12px; }
    .machine .edge text { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
    .machine .dead rect, .machine .dead path { stroke: var(--dead); stroke-dasharray: 5 3; }
    .machine .dead text { fill: var(--dead); }

    """

  /// Step control: buttons, ← and →, clicking a step, and the URL fragment
  /// (`#PROPERTY/step/K`), which the page keeps current.
  static let script = """
    (function () {
      "use strict";
      var charts = {};
      function show(name, k, remember) {
        var c = charts[name];
        if (!c) return;
        k = Math.max(0, Math.min(c.last, k));
        c.step = k;
        c.section.querySelectorAll("[data-step]").forEach(function (el) {
          var on = Number(el.getAttribute("data-step")) === k;
          if (el.classList.contains("state")) { el.hidden = !on; return; }
          el.classList.toggle("current", on);
          if (el.tagName === "LI") { if (on) el.setAttribute("aria-current", "step"); else el.removeAttribute("aria-current"); }
        });
        c.section.querySelectorAll(".arrow").forEach(function (el) {
          var active = Number(el.getAttribute("data-sent")) === k || Number(el.getAttribute("data-ended")) === k;
          el.classList.toggle("active", active);
        });
        c.section.setAttribute("data-current", String(k));
        c.position.textContent = "Step " + k + " of " + c.last;
        c.section.querySelectorAll("[data-go]").forEach(function (b) {
          var go = b.getAttribute("data-go");
          b.disabled = (go === "first" || go === "previous") ? k === 0 : k === c.last;
        });
        if (remember) {
          try { history.replaceState(null, "", "#" + name + "/step/" + k); } catch (e) { /* a page without history */ }
        }
      }
      document.querySelectorAll("section.counterexample").forEach(function (section) {
        var name = section.getAttribute("data-property");
        var c = { section: section, last: Number(section.getAttribute("data-last")), step: 0,
                  position: section.querySelector(".position") };
        charts[name] = c;
        section.querySelectorAll("[data-go]").forEach(function (b) {
          b.addEventListener("click", function () {
            var go = b.getAttribute("data-go");
            show(name, go === "first" ? 0 : go === "last" ? c.last : go === "previous" ? c.step - 1 : c.step + 1, true);
          });
        });
        section.querySelectorAll("ol.steps button").forEach(function (b) {
          b.addEventListener("click", function () { show(name, Number(b.parentNode.getAttribute("data-step")), true); });
        });
        section.addEventListener("keydown", function (e) {
          if (e.altKey || e.ctrlKey || e.metaKey) return;
          if (e.key === "ArrowLeft") { show(name, c.step - 1, true); e.preventDefault(); }
          else if (e.key === "ArrowRight") { show(name, c.step + 1, true); e.preventDefault(); }
          else if (e.key === "Home") { show(name, 0, true); e.preventDefault(); }
          else if (e.key === "End") { show(name, c.last, true); e.preventDefault(); }
        });
        show(name, 0, false);
      });
      function fromFragment() {
        var m = /^#([^\\/]+)(?:\\/step\\/(\\d+))?$/.exec(decodeURIComponent(location.hash));
        if (!m || !charts[m[1]]) return;
        show(m[1], m[2] ? Number(m[2]) : 0, false);
        charts[m[1]].section.focus({ preventScroll: true });
        charts[m[1]].section.scrollIntoView();
      }
      window.addEventListener("hashchange", fromFragment);
      fromFragment();
    })();

    """
}
