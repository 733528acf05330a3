// The dashboard stylesheet, served at /dashboard/app.css (no inline styles, so the CSP can forbid them).

export const DASHBOARD_CSS = `:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --fg: #1a1d23;
  --muted: #5b6270;
  --line: #d9dde3;
  --panel: #f5f6f8;
  --accent: #2f5bd3;
  --accent-2: #6d8be0;
  --accent-3: #0f8a5f;
  --on-accent: #ffffff;
  --whisker: #1a1d23;
  --error-bg: #fdecec;
  --error-fg: #8a1c1c;
  --good: #e7f6ee;
  --warn: #fdf0d5;
  --warn-fg: #7a4a00;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111318;
    --fg: #e6e8ec;
    --muted: #a0a7b4;
    --line: #2e333d;
    --panel: #1a1d24;
    --accent: #7c9cf5;
    --accent-2: #5671c4;
    --accent-3: #3fbf8a;
    --on-accent: #0b1020;
    --whisker: #e6e8ec;
    --error-bg: #3a1717;
    --error-fg: #ffb4b4;
    --good: #12301f;
    --warn: #3a2a0c;
    --warn-fg: #ffd48a;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header, main, footer { max-width: 76rem; margin: 0 auto; padding: 1rem 1.5rem; }
header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.15rem; margin: 2rem 0 0.75rem; }
footer { color: var(--muted); font-size: 0.875rem; border-top: 1px solid var(--line); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; }
label { display: block; font-weight: 600; font-size: 0.875rem; margin-bottom: 0.25rem; }
input, select, button, .download {
  font: inherit; padding: 0.45rem 0.7rem; border-radius: 6px; border: 1px solid var(--line);
  background: var(--bg); color: var(--fg);
}
button, .download { cursor: pointer; background: var(--accent); border-color: var(--accent); color: var(--on-accent); text-decoration: none; }
button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.range { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem; padding: 1rem; background: var(--panel); border-radius: 8px; }
.range-note, .note, .hint { color: var(--muted); }
.error { background: var(--error-bg); color: var(--error-fg); padding: 0.75rem 1rem; border-radius: 6px; }
.login { max-width: 26rem; margin-top: 10vh; }
.login form { display: grid; gap: 0.5rem; }
.login input { width: 100%; }
.scroll { overflow-x: auto; position: relative; }
.scroll:focus-visible { outline-offset: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.5rem; }
th, td { padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; vertical-align: top; }
thead th { font-size: 0.8rem; color: var(--muted); vertical-align: bottom; }
thead th[title] { text-decoration: underline dotted; cursor: help; }
.num { text-align: right; }
.sub { display: block; font-size: 0.8em; color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
tr.lift-higher td, tr.lift-higher th { background: var(--good); }
tr.lift-lower td, tr.lift-lower th { background: var(--warn); }
tr.lift-lower .verdict { color: var(--warn-fg); }
tr.lift-higher .verdict, tr.lift-lower .verdict { font-weight: 600; }
details { margin: 0.25rem 0 1rem; overflow-x: auto; }
summary { cursor: pointer; color: var(--muted); }
figure { margin: 0 0 1.5rem; }
figcaption { font-weight: 600; margin-bottom: 0.25rem; }
.chart { width: 100%; height: auto; max-width: 60rem; display: block; }
/* Below 36rem the charts keep that width and scroll, so their text never shrinks under ~11 px. */
@media (max-width: 40rem) { .chart-scroll { overflow-x: auto; } .chart { min-width: 36rem; } }
.chart text { fill: var(--fg); font-size: 13px; }
.chart .group { font-weight: 600; font-size: 13px; }
.chart .tick text, .chart text.tick { fill: var(--muted); }
.chart .tick line { stroke: var(--line); }
.chart .axis { stroke: var(--line); }
.chart .bar { fill: var(--accent); }
.chart .bar.step-1 { fill: var(--accent-2); }
.chart .bar.step-2 { fill: var(--accent-3); }
.chart .bars { fill: var(--accent); }
.chart .bars.step-1 { fill: var(--accent-2); }
.chart .bars.step-2 { fill: var(--accent-3); }
.chart .whisker line { stroke: var(--whisker); stroke-width: 1.5; }
@media (prefers-reduced-motion: no-preference) { button, .download { transition: filter 0.15s; } }
button:hover, .download:hover { filter: brightness(1.1); }
`
