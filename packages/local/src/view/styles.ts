// The page's only stylesheet, inlined (no external assets: the view must work offline). A dark
// dashboard in the manner of the hosted Nexus UI, readable from 1280 px wide.
export const STYLES = `
:root {
  color-scheme: dark;
  --bg: #0b0e14; --panel: #121621; --panel-2: #171c29; --border: #232a3b; --border-2: #2e3750;
  --text: #e5e9f2; --muted: #8d97ab; --faint: #5d6679; --accent: #8b7bff; --accent-2: #5b8cff;
  --ok: #34d399; --ok-bg: rgba(52,211,153,.12); --err: #f87171; --err-bg: rgba(248,113,113,.12);
  --run: #60a5fa; --run-bg: rgba(96,165,250,.12); --warn: #fbbf24; --warn-bg: rgba(251,191,36,.12);
  --mono: ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 var(--sans); }
a { color: inherit; text-decoration: none; }
a:hover { color: #fff; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
.topbar { display: flex; align-items: center; gap: 12px; padding: 0 28px; height: 52px;
  border-bottom: 1px solid var(--border); background: #0d1119; }
.brand { display: flex; align-items: center; gap: 9px; font-weight: 650; letter-spacing: .2px; }
.logo { width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, var(--accent), var(--accent-2));
  box-shadow: 0 0 0 1px rgba(255,255,255,.08) inset; }
.brand small { color: var(--muted); font-weight: 500; }
.topbar nav { margin-left: 18px; display: flex; gap: 4px; }
.topbar nav a { color: var(--muted); padding: 6px 10px; border-radius: 6px; }
.topbar nav a.active, .topbar nav a:hover { color: var(--text); background: var(--panel-2); }
.topbar .hint { margin-left: auto; color: var(--faint); font-size: 12px; }
main { padding: 24px 28px 48px; max-width: 1480px; margin: 0 auto; }
h1 { font-size: 22px; font-weight: 650; margin: 0; letter-spacing: -.2px; overflow-wrap: anywhere; }
h2 { font-size: 13px; font-weight: 600; margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .6px; }
.page-head { display: flex; align-items: center; gap: 14px; margin-bottom: 18px; flex-wrap: wrap; }
.page-head .count { color: var(--muted); }
.crumbs { color: var(--muted); font-size: 13px; margin-bottom: 10px; }
.crumbs a:hover { text-decoration: underline; }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; }
.section { margin-top: 18px; overflow: hidden; }
.section-head { display: flex; align-items: baseline; gap: 10px; padding: 12px 16px; border-bottom: 1px solid var(--border); }
.section-head .count { color: var(--faint); font-size: 12px; }
.muted { color: var(--muted); }
.faint { color: var(--faint); }

/* status badges */
.badge { display: inline-flex; align-items: center; gap: 6px; padding: 2px 9px; border-radius: 999px; font-size: 12px;
  font-weight: 600; text-transform: capitalize; white-space: nowrap; border: 1px solid transparent; }
.badge::before { content: ""; width: 6px; height: 6px; border-radius: 50%; background: currentColor; }
.badge.success, .badge.ok { color: var(--ok); background: var(--ok-bg); border-color: rgba(52,211,153,.25); }
.badge.error { color: var(--err); background: var(--err-bg); border-color: rgba(248,113,113,.3); }
.badge.running { color: var(--run); background: var(--run-bg); border-color: rgba(96,165,250,.25); }
.badge.timeout { color: var(--warn); background: var(--warn-bg); border-color: rgba(251,191,36,.25); }

/* search */
.search { display: flex; gap: 8px; margin-left: auto; }
.search input { width: 340px; background: var(--panel); color: var(--text); border: 1px solid var(--border-2);
  border-radius: 8px; padding: 8px 12px; font: inherit; outline: none; }
.search input:focus { border-color: var(--accent); box-shadow: 0 0 0 3px rgba(139,123,255,.18); }
.search button, .button { background: var(--panel-2); color: var(--text); border: 1px solid var(--border-2); border-radius: 8px;
  padding: 8px 14px; font: inherit; cursor: pointer; }
.search button:hover, .button:hover { border-color: var(--accent); }

/* trace list */
table { width: 100%; border-collapse: collapse; }
.traces th { text-align: left; font-size: 11.5px; font-weight: 600; color: var(--faint); text-transform: uppercase;
  letter-spacing: .5px; padding: 10px 14px; border-bottom: 1px solid var(--border); white-space: nowrap; }
.traces td { padding: 11px 14px; border-bottom: 1px solid var(--border); vertical-align: middle; }
.traces tr:last-child td { border-bottom: 0; }
.traces tbody tr:hover { background: var(--panel-2); }
.traces .name a { font-weight: 600; color: var(--text); display: block; max-width: 360px; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.traces .name a:hover { color: var(--accent); }
.traces .name .id { color: var(--faint); font-family: var(--mono); font-size: 11px; white-space: nowrap; }
.traces .agent { white-space: nowrap; }
.traces .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.traces .when { white-space: nowrap; color: var(--muted); font-variant-numeric: tabular-nums; }
.chips { display: flex; flex-wrap: wrap; gap: 5px; }
.chip { display: inline-block; max-width: 260px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  padding: 1px 8px; border-radius: 6px; background: var(--panel-2); border: 1px solid var(--border);
  color: var(--muted); font-size: 12px; }
.chip b { color: var(--text); font-weight: 500; }
.empty { padding: 40px 16px; text-align: center; color: var(--muted); }
.more { padding: 10px 16px; color: var(--muted); border-top: 1px solid var(--border); font-size: 13px; }

/* trace header */
.facts { display: flex; flex-wrap: wrap; gap: 1px; background: var(--border);
  border-radius: 10px; overflow: hidden; border: 1px solid var(--border); }
.fact { background: var(--panel); padding: 12px 16px; min-width: 0; flex: 1 1 130px; }
.fact.wide { flex-basis: 210px; }
.fact .label { color: var(--faint); font-size: 11.5px; text-transform: uppercase; letter-spacing: .5px; }
.fact .value { margin-top: 3px; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
/* metadata: a key/value table laid out two pairs to a line, so the span tree stays near the top */
.meta { margin-bottom: -1px; } /* the last rows' borders would double the panel's */
.meta tbody { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); column-gap: 1px; background: var(--border); }
.meta tr { display: grid; grid-template-columns: minmax(120px, 40%) 1fr; background: var(--panel); border-bottom: 1px solid var(--border); }
.meta.single tbody { grid-template-columns: 1fr; }
.meta.single tr { grid-template-columns: 1fr; }
.meta td { padding: 6px 16px; vertical-align: top; min-width: 0; }
.meta td.key { color: var(--muted); font-family: var(--mono); font-size: 12.5px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.meta td.val { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; white-space: pre-wrap; }

/* span tree */
.tree { list-style: none; margin: 0; padding: 0; }
.axis, .span-row { display: grid; grid-template-columns: minmax(300px, 36%) 1fr 86px; align-items: center; gap: 14px; }
.axis { padding: 8px 16px; border-bottom: 1px solid var(--border); font-size: 11.5px; color: var(--faint); }
.axis .ticks { position: relative; height: 16px; }
.axis .tick { position: absolute; top: 0; transform: translateX(-50%); white-space: nowrap; font-variant-numeric: tabular-nums; }
.axis .tick:first-child { transform: none; }
.axis .tick:last-child { transform: translateX(-100%); }
.axis .right { text-align: right; }
.span { border-bottom: 1px solid var(--border); }
.span:last-child { border-bottom: 0; }
.span.error { background: linear-gradient(90deg, rgba(248,113,113,.07), transparent 40%); }
.span-row { padding: 8px 16px 4px; }
.label { display: flex; align-items: center; gap: 8px; min-width: 0; padding-left: calc(var(--depth) * 18px); }
.label .guide { color: var(--faint); font-family: var(--mono); flex: none; }
.dot { width: 8px; height: 8px; border-radius: 50%; flex: none; background: var(--ok); box-shadow: 0 0 0 3px var(--ok-bg); }
.dot.error { background: var(--err); box-shadow: 0 0 0 3px var(--err-bg); }
.span-name { font-weight: 550; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.span-name .op { color: var(--muted); font-weight: 500; }
.tag { font-size: 11px; color: var(--warn); border: 1px solid rgba(251,191,36,.3); border-radius: 4px; padding: 0 5px; flex: none; }
.track { position: relative; height: 18px; border-radius: 4px;
  background: repeating-linear-gradient(90deg, transparent 0, transparent calc(25% - 1px), var(--border) calc(25% - 1px), var(--border) 25%); }
.bar { position: absolute; top: 4px; height: 10px; border-radius: 3px; min-width: 3px;
  background: linear-gradient(90deg, var(--accent), var(--accent-2)); }
.bar.tool { background: linear-gradient(90deg, #f59e0b, #fbbf24); }
.bar.model { background: linear-gradient(90deg, #10b981, #34d399); }
.bar.error { background: linear-gradient(90deg, #dc2626, #f87171); }
.bar.open { background-image: repeating-linear-gradient(45deg, rgba(255,255,255,.25) 0 4px, transparent 4px 8px),
  linear-gradient(90deg, var(--run), var(--accent-2)); }
.dur { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.dur small { display: block; color: var(--faint); font-size: 11px; }
.span-body { padding: 0 16px 8px calc(16px + var(--depth) * 18px + 16px); display: flex; flex-direction: column; gap: 4px; }
.err-text { color: var(--err); background: var(--err-bg); border: 1px solid rgba(248,113,113,.25); border-radius: 6px;
  padding: 6px 10px; font-family: var(--mono); font-size: 12.5px; white-space: pre-wrap; overflow-wrap: anywhere; }
details.io { border-radius: 6px; }
details.io > summary { cursor: pointer; list-style: none; display: flex; gap: 10px; align-items: baseline; padding: 3px 8px;
  border-radius: 6px; color: var(--muted); font-size: 12.5px; min-width: 0; }
details.io > summary::-webkit-details-marker { display: none; }
details.io > summary::before { content: "▸"; color: var(--faint); width: 10px; flex: none; }
details.io[open] > summary::before { content: "▾"; }
details.io > summary:hover { background: var(--panel-2); color: var(--text); }
.io-label { font-weight: 600; flex: none; width: 52px; }
.io-preview { color: var(--faint); font-family: var(--mono); font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
details.io[open] .io-preview { display: none; }
details.io pre { margin: 4px 0 6px 18px; padding: 10px 12px; background: #0a0d13; border: 1px solid var(--border);
  border-radius: 8px; max-height: 420px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; color: #d6dbea; }
.notfound { padding: 60px 20px; text-align: center; }
.notfound h1 { margin-bottom: 8px; }
`;
