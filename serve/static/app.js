// The page of `boltzmann serve`: plain JavaScript, no dependencies.
"use strict";

const main = document.getElementById("main");
const where = document.getElementById("where");
const live = document.getElementById("live");
let stop = () => {}; // ends the current view's polling or event stream

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

function fmt(x, digits) {
  if (x == null || Number.isNaN(x)) return "";
  return Number(x).toFixed(digits == null ? 3 : digits);
}

async function getJSON(url) {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(url + ": " + r.status + " " + (await r.text()));
  return r.json();
}

const enc = encodeURIComponent;

// ---- charts ----

const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

function niceTicks(lo, hi, integer) {
  const span = hi - lo || 1;
  let step = Math.pow(10, Math.floor(Math.log10(span / 5)));
  for (const m of [1, 2, 5, 10]) { if (span / (step * m) <= 6) { step *= m; break; } }
  if (integer) step = Math.max(1, Math.round(step));
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(+t.toPrecision(10));
  return out;
}

// chart draws series [{name, pts: [[x, y], …]}] with a marker on every
// point, whole-number x ticks (epochs) and vertical marks [{x, label}].
function chart(title, series, marks) {
  const W = 420, H = 260, ml = 58, mr = 12, mt = 24, mb = 58;
  const root = svg("svg", { width: W, height: H, class: "chart" });
  root.append(svg("text", { x: W / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, title));
  const all = series.flatMap(s => s.pts).filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (all.length === 0) {
    root.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", fill: "#999" }, "no data"));
    return root;
  }
  let x0 = Math.min(...all.map(p => p[0])), x1 = Math.max(...all.map(p => p[0]));
  let y0 = Math.min(...all.map(p => p[1])), y1 = Math.max(...all.map(p => p[1]));
  if (x1 <= x0) { x0 -= 0.5; x1 += 0.5; }
  if (y1 <= y0) { y0 -= 0.5; y1 += 0.5; }
  const xp = (x1 - x0) * 0.04, yp = (y1 - y0) * 0.06;
  x0 -= xp; x1 += xp; y0 -= yp; y1 += yp;
  const px = x => ml + (x - x0) / (x1 - x0) * (W - ml - mr);
  const py = y => mt + (y1 - y) / (y1 - y0) * (H - mt - mb);
  root.append(svg("rect", { x: ml, y: mt, width: W - ml - mr, height: H - mt - mb, fill: "none", stroke: "#444" }));
  const yt = niceTicks(y0, y1, false);
  // As many decimals as the tick step needs, so that no two ticks read alike.
  const decimals = yt.length > 1 ? Math.max(0, Math.min(8, -Math.floor(Math.log10(yt[1] - yt[0]) + 1e-9))) : 2;
  for (const t of yt) {
    root.append(svg("line", { x1: ml, x2: W - mr, y1: py(t), y2: py(t), stroke: "#eee" }));
    root.append(svg("text", { x: ml - 4, y: py(t) + 4, "text-anchor": "end", "font-size": 10 }, t.toFixed(decimals)));
  }
  for (const t of niceTicks(x0, x1, true)) {
    root.append(svg("text", { x: px(t), y: H - mb + 14, "text-anchor": "middle", "font-size": 10 }, String(t)));
  }
  root.append(svg("text", { x: ml + (W - ml - mr) / 2, y: H - mb + 28, "text-anchor": "middle", "font-size": 11 }, "epoch"));
  for (const m of marks || []) {
    if (m.x <= x0 || m.x >= x1) continue;
    root.append(svg("line", { x1: px(m.x), x2: px(m.x), y1: mt, y2: H - mb, stroke: "#aaa", "stroke-dasharray": "4 3" }));
    root.append(svg("text", { x: px(m.x) + 3, y: mt + 11, "font-size": 10, fill: "#777" }, m.label));
  }
  series.forEach((s, k) => {
    const col = palette[k % palette.length];
    const pts = s.pts.filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (pts.length > 1) {
      root.append(svg("polyline", { fill: "none", stroke: col, "stroke-width": 1.5, points: pts.map(p => px(p[0]).toFixed(1) + "," + py(p[1]).toFixed(1)).join(" ") }));
    }
    for (const p of pts) root.append(svg("circle", { cx: px(p[0]), cy: py(p[1]), r: 2.2, fill: col }));
    const lx = ml + (k % 3) * 120, ly = H - mb + 44 + 13 * Math.floor(k / 3);
    root.append(svg("line", { x1: lx, x2: lx + 14, y1: ly - 4, y2: ly - 4, stroke: col, "stroke-width": 2 }));
    root.append(svg("text", { x: lx + 18, y: ly, "font-size": 10 }, s.name));
  });
  return root;
}

function series(records, key, name) {
  return { name: name || key, pts: records.filter(r => typeof r[key] === "number").map(r => [r.epoch, r[key]]) };
}

function histogramChart(h) {
  const W = 260, H = 120, m = 6;
  const root = svg("svg", { width: W, height: H, class: "chart" });
  root.append(svg("text", { x: m, y: 13, "font-size": 11 }, h.name + " [" + h.shape.join("×") + "]  mean " + fmt(h.mean, 3) + "  sd " + fmt(h.std, 3)));
  const top = Math.max(1, ...h.counts), bw = (W - 2 * m) / h.counts.length;
  h.counts.forEach((c, i) => {
    const bh = (H - 40) * c / top;
    root.append(svg("rect", { x: m + i * bw, y: H - 22 - bh, width: Math.max(1, bw - 1), height: bh, fill: "#5a7bb5" }));
  });
  root.append(svg("text", { x: m, y: H - 8, "font-size": 10 }, fmt(h.min, 3)));
  root.append(svg("text", { x: W - m, y: H - 8, "font-size": 10, "text-anchor": "end" }, fmt(h.max, 3)));
  return root;
}

// ---- the list of runs ----

const listState = { filter: "", sort: "updated", asc: false, selected: new Set() };

const columns = [
  ["", null],
  ["run", r => r.path],
  ["kind", r => r.kind],
  ["shape", r => r.shape],
  ["status", r => r.status],
  ["epoch", r => r.epoch],
  ["recon", r => lastScore(r, "recon_error")],
  ["pseudo-LL", r => lastScore(r, "pll")],
  ["free energy", r => lastScore(r, "free_energy")],
  ["test LL", r => r.test_ll],
  ["updated", r => r.updated],
];

function lastScore(r, k) {
  const v = r.last["valid_" + k];
  return v != null ? v : r.last["train_" + k];
}

async function showList() {
  where.textContent = "runs";
  main.replaceChildren(el("p", { text: "loading…" }));
  const filter = el("input", { id: "filter", placeholder: "filter runs (name, kind, status)", value: listState.filter });
  const compare = el("button", { id: "compare", onclick: () => { location.hash = "#/compare/" + [...listState.selected].map(enc).join("|"); } }, "compare selected");
  const table = el("table", { id: "runs" });
  const sweeps = el("div", { id: "sweeps" });
  const problems = el("div");
  filter.addEventListener("input", () => { listState.filter = filter.value; render(); });
  main.replaceChildren(el("div", { class: "bar" }, filter, " ", compare), table, problems, sweeps);
  let data = { runs: [], sweeps: [] };
  function render() {
    const f = listState.filter.toLowerCase();
    const col = columns.find(c => c[0] === listState.sort) || columns[10];
    const rows = data.runs.filter(r => !f || (r.path + " " + r.kind + " " + r.status + " " + r.shape).toLowerCase().includes(f));
    rows.sort((a, b) => {
      const va = col[1](a), vb = col[1](b);
      const c = va == null ? 1 : vb == null ? -1 : va < vb ? -1 : va > vb ? 1 : 0;
      return listState.asc ? c : -c;
    });
    const head = el("tr", {}, ...columns.map(([name]) => {
      const th = el("th", { text: name });
      if (name === listState.sort) th.className = "sorted" + (listState.asc ? " asc" : "");
      if (name) th.addEventListener("click", () => { listState.asc = listState.sort === name ? !listState.asc : true; listState.sort = name; render(); });
      return th;
    }));
    const body = rows.map(r => {
      const box = el("input", { type: "checkbox" });
      box.checked = listState.selected.has(r.path);
      box.addEventListener("change", () => { box.checked ? listState.selected.add(r.path) : listState.selected.delete(r.path); compare.disabled = listState.selected.size === 0; });
      let ll = "";
      if (r.test_ll != null) ll = fmt(r.test_ll, 2) + " (" + (r.test_ll_lo != null ? fmt(r.test_ll_lo, 2) : "open") + " … " + (r.test_ll_hi != null ? fmt(r.test_ll_hi, 2) : "open") + ")";
      return el("tr", { "data-run": r.path },
        el("td", {}, box),
        el("td", {}, el("a", { href: "#/run/" + enc(r.path), text: r.path }), r.problems ? el("span", { class: "problem", title: r.problems.join("\n"), text: " ⚠" }) : null),
        el("td", { text: r.kind }), el("td", { text: r.shape }),
        el("td", { class: "status-" + r.status, text: r.status }),
        el("td", { class: "num epoch", text: r.epoch + (r.total ? " / " + r.total : "") }),
        el("td", { class: "num", text: fmt(lastScore(r, "recon_error"), 3) }),
        el("td", { class: "num", text: fmt(lastScore(r, "pll"), 2) }),
        el("td", { class: "num", text: fmt(lastScore(r, "free_energy"), 2) }),
        el("td", { class: "num", text: ll }),
        el("td", { class: "muted", text: r.updated && !r.updated.startsWith("0001") ? new Date(r.updated).toLocaleString() : "" }));
    });
    table.replaceChildren(head, ...body);
    compare.disabled = listState.selected.size === 0;
    if (data.sweeps.length) {
      sweeps.replaceChildren(el("h2", { text: "sweeps" }), el("table", {}, el("tr", {}, el("th", { text: "sweep" }), el("th", { text: "trials" }), el("th", { text: "leaderboard" })),
        ...data.sweeps.map(s => el("tr", {}, el("td", {}, el("a", { href: "#/sweep/" + enc(s.path), text: s.path })), el("td", { class: "num", text: s.trials }),
          el("td", { text: s.leaderboard ? "yes" : "not merged yet (eval -sweep)" })))));
    } else sweeps.replaceChildren();
  }
  async function refresh() {
    try {
      data = await getJSON("/api/runs");
      live.textContent = "live · " + data.runs.length + " runs";
      render();
    } catch (e) { live.textContent = "offline: " + e.message; }
  }
  await refresh();
  const timer = setInterval(refresh, 2000);
  stop = () => clearInterval(timer);
}

// ---- one run ----

async function showRun(path) {
  where.textContent = path;
  main.replaceChildren(el("p", { text: "loading…" }));
  let detail;
  try { detail = await getJSON("/api/run?path=" + enc(path)); } catch (e) { main.replaceChildren(el("p", { class: "problem", text: e.message })); return; }
  const head = el("div", { id: "summary" });
  const charts = el("div", { class: "charts", id: "charts" });
  const bad = el("div", { class: "problem", id: "bad" });
  const pics = el("div", { class: "pictures" });
  const hists = el("div", { class: "hists" });
  const report = el("div");
  main.replaceChildren(head, el("h2", { text: "curves" }), charts, bad, el("h2", { text: "latest checkpoint" }), pics, el("h2", { text: "weights and biases" }), hists, report,
    el("h2", { text: "configuration" }), el("pre", { id: "config", text: detail.config ? JSON.stringify(detail.config, null, 2) : "no checkpoint yet" }));
  const marks = (detail.stages || []).filter(s => s.start > 0).map(s => ({ x: s.start + 0.5, label: s.name }));
  const records = [];
  const badLines = [];
  let summary = detail;
  function drawSummary() {
    const s = summary;
    head.replaceChildren(el("h2", { text: s.path }),
      el("p", {}, el("b", { text: s.kind + " " + s.shape }), "  ", el("span", { class: "status-" + s.status, id: "status", text: s.status }),
        "  epoch ", el("span", { id: "epoch", text: String(s.epoch) }), s.total ? " of " + s.total : "",
        s.checkpoint ? "  · checkpoint " + s.checkpoint : "", detail.version ? "  · written by " + detail.version : ""),
      ...(s.problems || []).map(p => el("p", { class: "problem", text: p })));
  }
  function drawCharts() {
    const swaps = records.some(r => Array.isArray(r.swap_accept));
    const list = [
      chart("reconstruction error", [series(records, "train_recon_error", "train"), series(records, "valid_recon_error", "validation")], marks),
      chart("pseudo-log-likelihood (nats)", [series(records, "train_pll", "train"), series(records, "valid_pll", "validation")], marks),
      chart("mean free energy", [series(records, "train_free_energy", "train"), series(records, "valid_free_energy", "validation")], marks),
      chart("learning rate and momentum", [series(records, "lr", "learning rate"), series(records, "momentum", "momentum")], marks),
    ];
    if (swaps) {
      const n = Math.max(...records.map(r => (r.swap_accept || []).length));
      const ss = [];
      for (let i = 0; i < n; i++) ss.push({ name: "pair " + (i + 1), pts: records.filter(r => r.swap_accept).map(r => [r.epoch, r.swap_accept[i]]) });
      list.push(chart("PT swap acceptance", ss, marks));
    }
    charts.replaceChildren(...list);
    bad.replaceChildren(...badLines.map(b => el("p", { text: "metrics.jsonl line " + b.line + " is malformed: " + b.text })));
  }
  function drawCheckpoint() {
    if (!summary.checkpoint) { pics.replaceChildren(el("p", { class: "muted", text: "no checkpoint yet" })); return; }
    const q = "path=" + enc(path) + "&ck=" + enc(summary.checkpoint);
    pics.replaceChildren(
      el("figure", {}, el("img", { id: "filters", src: "/api/picture?what=filters&" + q, alt: "filters" }), el("figcaption", { text: "filters (first 100 hidden units)" })),
      el("figure", {}, el("img", { id: "samples", src: "/api/picture?what=samples&" + q, alt: "samples" }), el("figcaption", { text: "samples (200 Gibbs steps from random states)" })));
    getJSON("/api/histograms?" + q).then(hs => hists.replaceChildren(...hs.map(histogramChart))).catch(e => hists.replaceChildren(el("p", { class: "problem", text: e.message })));
  }
  function drawReport(rep) {
    if (!rep) { report.replaceChildren(); return; }
    const keys = ["test_ll", "test_ll_lo", "test_ll_hi", "log_z", "train_ll", "test_ll_raise", "test_ll_ais_same_images", "linear_test_error", "finetune_test_error", "test_recon_error", "test_pll", "version"];
    report.replaceChildren(el("h2", { text: "eval report" }), el("table", {}, ...keys.filter(k => rep[k] != null).map(k => el("tr", {}, el("td", { text: k }), el("td", { class: "num", text: typeof rep[k] === "number" ? fmt(rep[k], 4) : String(rep[k]) })))));
  }
  drawSummary(); drawReport(detail.report); drawCheckpoint();
  const first = await getJSON("/api/metrics?path=" + enc(path));
  records.push(...first.records); badLines.push(...first.bad);
  drawCharts();
  const es = new EventSource("/api/events?path=" + enc(path) + "&from=" + first.next + "&line=" + first.next_line);
  es.addEventListener("metrics", ev => {
    const c = JSON.parse(ev.data);
    if (c.reset) { records.length = 0; badLines.length = 0; }
    records.push(...c.records); badLines.push(...c.bad);
    drawCharts();
  });
  es.addEventListener("summary", ev => {
    const s = JSON.parse(ev.data);
    const newCheckpoint = s.checkpoint !== summary.checkpoint;
    summary = Object.assign({}, summary, s);
    drawSummary();
    if (newCheckpoint) drawCheckpoint();
  });
  es.onopen = () => { live.textContent = "live"; };
  es.onerror = () => { live.textContent = "reconnecting…"; };
  stop = () => es.close();
}

// ---- compare ----

async function showCompare(paths) {
  where.textContent = "compare " + paths.length + " runs";
  const keys = ["valid_recon_error", "valid_pll", "valid_free_energy", "train_recon_error", "train_pll", "train_free_energy", "lr", "momentum"];
  const pick = el("select", { id: "metric" }, ...keys.map(k => el("option", { value: k, text: k })));
  const box = el("div", { class: "charts" });
  main.replaceChildren(el("div", { class: "bar" }, "metric ", pick), box);
  const runs = await Promise.all(paths.map(async p => ({ path: p, records: (await getJSON("/api/metrics?path=" + enc(p))).records })));
  function draw() { box.replaceChildren(chart(pick.value, runs.map(r => series(r.records, pick.value, r.path)), [])); }
  pick.addEventListener("change", draw);
  draw();
  const timer = setInterval(async () => {
    for (const r of runs) r.records = (await getJSON("/api/metrics?path=" + enc(r.path))).records;
    draw();
  }, 5000);
  stop = () => clearInterval(timer);
}

// ---- a sweep ----

async function showSweep(path) {
  where.textContent = "sweep " + path;
  const d = await getJSON("/api/sweep?path=" + enc(path));
  const idCol = d.header.indexOf("id");
  const trialPath = id => (path === "." ? "" : path + "/") + "trials/" + id;
  const board = d.header.length
    ? el("table", { id: "leaderboard" }, el("tr", {}, ...d.header.map(h => el("th", { text: h }))),
      ...d.rows.map(row => el("tr", {}, ...row.map((v, i) => el("td", {}, i === idCol ? el("a", { href: "#/run/" + enc(trialPath(v)), text: v }) : v)))))
    : el("p", { class: "muted", text: "no leaderboard yet: boltzmann eval -sweep " + path + " merges one" });
  main.replaceChildren(el("h2", { text: "leaderboard" }), board, el("h2", { text: "trials" }),
    el("ul", {}, ...d.trials.map(t => el("li", {}, el("a", { href: "#/run/" + enc(t), text: t })))));
  stop = () => {};
}

// ---- routing ----

function route() {
  stop(); stop = () => {};
  live.textContent = "";
  const h = location.hash.replace(/^#/, "") || "/";
  if (h.startsWith("/run/")) return showRun(decodeURIComponent(h.slice(5)));
  if (h.startsWith("/compare/")) return showCompare(h.slice(9).split("|").filter(Boolean).map(decodeURIComponent));
  if (h.startsWith("/sweep/")) return showSweep(decodeURIComponent(h.slice(7)));
  return showList();
}
window.addEventListener("hashchange", route);
route();
