// Bascule war room: draws the charts, the network view and the live alert list.
// No inline script anywhere: the Content-Security-Policy allows only files from this app.
"use strict";

// plotly.js reads dates and numbers in English unless a locale is registered, and the plotly
// package on PyPI ships none: French pages carry one (bascule.i18n.PLOTLY_FR) as JSON.
function chartConfig() {
  var config = { responsive: true, displaylogo: false };
  var locale = document.getElementById("plotly-locale");
  if (locale) {
    if (!chartConfig.registered) {
      Plotly.register(JSON.parse(locale.textContent));
      chartConfig.registered = true;
    }
    config.locale = "fr";
  }
  return config;
}

function drawCharts(root) {
  if (typeof Plotly === "undefined") return;
  root.querySelectorAll("div.chart[data-figure]").forEach(function (el) {
    if (el.dataset.drawn) return;
    var src = document.getElementById(el.dataset.figure);
    if (!src) return;
    var fig = JSON.parse(src.textContent);
    el.dataset.drawn = "1";
    Plotly.newPlot(el, fig.data || [], fig.layout || {}, chartConfig())
      .then(function () { return fitChart(el); })
      .then(function () { el.classList.add("drawn"); });
  });
}

// fitChart and watchCharts: static/fitcharts.js, loaded before this file
watchCharts("div.chart.drawn");

// The "most connected accounts" graph (sigma.js). Positions and disc sizes come from the
// server (GET /api/network/graph): communities kept together, no disc over another, sizes
// in the positions' units so a phone shows the desktop's picture, smaller. The largest
// communities get a colour and a legend line, the others grey; a few labels, the largest
// accounts first, never over another label or a larger disc; hover or tap names an account.
var GRAPH = {
  palette: ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#bcbd22", "#17becf"],
  other: "#b4b9bf",
  phoneBelow: 640,   // px: narrower, fewer accounts and labels
  phoneNodes: 150,
  font: "system-ui, sans-serif",
  fontSize: 12,
  minLabelled: 3     // px: a smaller disc is never labelled
};

function graphLimits(width) {
  var phone = width < GRAPH.phoneBelow;
  return {
    nodes: phone ? GRAPH.phoneNodes : Infinity,
    labels: Math.max(6, Math.min(30, Math.round(width / 45))),
    padding: phone ? 12 : 24   // px around the picture
  };
}

function hasCommunity(node) { return node.community !== null && node.community !== undefined; }

// the communities of the largest accounts, one colour each (the same on a phone, which
// draws fewer accounts), named after their largest account: [{id, colour, name}]
function communityColours(nodes) {
  var order = [], name = {};
  nodes.forEach(function (n) {   // the server sends the largest first
    var c = hasCommunity(n) ? String(n.community) : null;
    if (c === null || c in name) return;
    name[c] = n.label || n.id;
    order.push(c);
  });
  return order.slice(0, GRAPH.palette.length)
    .map(function (c, i) { return { id: c, colour: GRAPH.palette[i], name: name[c] }; });
}

function graphOf(data, nodes, colours) {
  var colour = {};
  colours.forEach(function (c) { colour[c.id] = c.colour; });
  var g = new graphology.Graph({ multi: false, type: "directed" });
  nodes.forEach(function (node) {
    var c = hasCommunity(node) ? String(node.community) : null;
    g.addNode(node.id, {
      x: node.x, y: node.y, size: node.size,
      label: node.label || node.id,
      hoverLabel: (node.label || node.id) + (c === null ? "" : " · #" + c),
      color: (c !== null && colour[c]) || GRAPH.other
    });
  });
  data.edges.forEach(function (e) {
    if (e.source !== e.target && g.hasNode(e.source) && g.hasNode(e.target) &&
        !g.hasEdge(e.source, e.target)) {
      g.addEdge(e.source, e.target, { size: 1e-9, color: "#dcdfe3" });
    }
  });
  return g;
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// Which labels to draw: largest discs first, right of the disc, else left, above or below
// it, inside the canvas, never over a label already placed nor over a disc as large as its
// own or larger (a large account's name may cover smaller discs, not the reverse).
function placeLabels(ctx, candidates, max) {
  var width = ctx.canvas.clientWidth, height = ctx.canvas.clientHeight;
  candidates.sort(function (a, b) { return b.size - a.size || (a.key < b.key ? -1 : 1); });
  var discs = candidates.filter(function (c) { return c.size >= GRAPH.minLabelled; })
    .map(function (c) {
      var r = c.size + 2;
      return { key: c.key, size: c.size, x: c.x - r, y: c.y - r, w: 2 * r, h: 2 * r };
    });
  var placed = [], h = GRAPH.fontSize + 2;
  for (var i = 0; i < candidates.length && placed.length < max; i++) {
    var c = candidates[i];
    if (c.size < GRAPH.minLabelled) break;
    var w = ctx.measureText(c.label).width + 2;
    var spots = [{ x: c.x + c.size + 3, y: c.y - h / 2, w: w, h: h },
                 { x: c.x - c.size - 3 - w, y: c.y - h / 2, w: w, h: h },
                 { x: c.x - w / 2, y: c.y - c.size - 1 - h, w: w, h: h },
                 { x: c.x - w / 2, y: c.y + c.size + 1, w: w, h: h }];
    for (var s = 0; s < spots.length; s++) {
      var box = spots[s];
      var inside = box.x >= 0 && box.y >= 0 && box.x + w <= width && box.y + h <= height;
      var free = inside && !placed.some(function (p) { return overlaps(p, box); }) &&
        !discs.some(function (d) {
          return d.key !== c.key && d.size >= c.size && overlaps(d, box);
        });
      if (free) { placed.push({ key: c.key, label: c.label, x: box.x, y: box.y, w: w, h: h }); break; }
    }
  }
  return placed;
}

function drawLabels(ctx, placed) {
  ctx.font = GRAPH.fontSize + "px " + GRAPH.font;
  ctx.textBaseline = "middle";
  ctx.lineJoin = "round";
  placed.forEach(function (p) {
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.strokeText(p.label, p.x + 1, p.y + p.h / 2);
    ctx.fillStyle = "#1f2328";
    ctx.fillText(p.label, p.x + 1, p.y + p.h / 2);
  });
}

// hovered or tapped: the name and community on a white box over everything
function drawHover(ctx, data) {
  var text = data.hoverLabel || data.label || "";
  ctx.font = "600 " + GRAPH.fontSize + "px " + GRAPH.font;
  var w = ctx.measureText(text).width + 10, h = GRAPH.fontSize + 8;
  var x = data.x + data.size + 3, y = data.y - h / 2;
  if (x + w > ctx.canvas.clientWidth) x = data.x - data.size - 3 - w;
  ctx.fillStyle = "#fff";
  ctx.shadowColor = "rgba(0,0,0,0.3)";
  ctx.shadowBlur = 6;
  ctx.beginPath();
  ctx.arc(data.x, data.y, data.size + 2, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillRect(x, y, w, h);
  ctx.shadowBlur = 0;
  ctx.fillStyle = "#1f2328";
  ctx.textBaseline = "middle";
  ctx.fillText(text, x + 5, y + h / 2);
}

function drawLegend(nodes, colours) {
  var legend = document.getElementById("graph-legend");
  if (!legend) return;
  legend.textContent = "";
  var add = function (colour, text) {
    var li = document.createElement("li");
    var dot = document.createElement("span");
    dot.className = "swatch";
    dot.style.background = colour;
    li.appendChild(dot);
    li.appendChild(document.createTextNode(text));
    legend.appendChild(li);
  };
  var word = legend.dataset.community || "#";
  colours.forEach(function (c) { add(c.colour, word + c.id + " · " + c.name); });
  var greyed = nodes.some(function (n) {
    return !colours.some(function (c) { return c.id === String(n.community); });
  });
  if (greyed) add(GRAPH.other, legend.dataset.other || "");
}

// sigma draws the discs and edges and offers every label; placeLabels picks which to draw
// once the frame is rendered. A tapped (or clicked) account stays named until the next tap.
function renderGraph(el, g, limits) {
  var shown = { labels: [] }, candidates = [], selected = null;
  var renderer = new Sigma(g, el, {
    itemSizesReference: "positions",
    stagePadding: limits.padding,
    minEdgeThickness: 0.8,
    renderEdgeLabels: false,
    labelDensity: 1000,
    labelRenderedSizeThreshold: 0,
    labelFont: GRAPH.font,
    labelSize: GRAPH.fontSize,
    defaultDrawNodeLabel: function (ctx, d) {
      candidates.push({ key: d.key, label: d.label, x: d.x, y: d.y, size: d.size });
    },
    defaultDrawNodeHover: drawHover,
    nodeReducer: function (key, attrs) {
      return key === selected ? Object.assign({}, attrs, { highlighted: true }) : attrs;
    }
  });
  var labels = renderer.getCanvases().labels.getContext("2d");
  renderer.on("beforeRender", function () { candidates = []; });
  renderer.on("afterRender", function () {
    labels.font = GRAPH.fontSize + "px " + GRAPH.font;
    shown.labels = placeLabels(labels, candidates, limits.labels);
    drawLabels(labels, shown.labels);
  });
  renderer.on("clickNode", function (e) { selected = e.node; renderer.refresh(); });
  renderer.on("clickStage", function () { selected = null; renderer.refresh(); });
  renderer.refresh();
  shown.renderer = renderer;
  return shown;
}

function drawGraph() {
  var el = document.getElementById("graph-view");
  if (!el || typeof Sigma === "undefined" || typeof graphology === "undefined") return;
  fetch(el.dataset.src, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      var note = document.getElementById("graph-note");
      if (!data || !data.nodes || !data.nodes.length) {
        el.classList.add("empty");
        el.textContent = el.dataset.empty || "";
        return;
      }
      var limits = graphLimits(el.clientWidth);
      var nodes = data.nodes.slice(0, limits.nodes);  // the server sends the largest first
      var colours = communityColours(nodes);
      window.basculeGraph = renderGraph(el, graphOf(data, nodes, colours), limits);  // tests read it
      drawLegend(nodes, colours);
      el.classList.add("drawn");
      var lang = document.documentElement.lang === "en" ? "en-CA" : "fr-CA";  // 10 666 / 10,666
      var fmt = function (x) { return Number(x).toLocaleString(lang); };
      if (note) {
        note.textContent = fmt(nodes.length) + " " + (el.dataset.of || "/") + " " +
          fmt(data.total_nodes) + (el.dataset.where ? " " + el.dataset.where : "");
      }
    });
}

function liveAlerts() {
  var list = document.getElementById("alert-list");
  if (!list || typeof EventSource === "undefined") return;
  var status = document.getElementById("live-status");
  var es = new EventSource(list.dataset.stream);
  es.onopen = function () { if (status) { status.textContent = status.dataset.on; status.classList.add("on"); } };
  es.onerror = function () { if (status) { status.textContent = status.dataset.off; status.classList.remove("on"); } };
  var kinds = {}, names = {};
  try { kinds = JSON.parse(list.dataset.kinds || "{}"); names = JSON.parse(list.dataset.names || "{}"); } catch (e) { /* labels only */ }
  es.addEventListener("alert", function (ev) {
    var a = JSON.parse(ev.data);
    var li = document.createElement("li");
    li.className = "new";
    var when = document.createElement("span");
    when.className = "muted when";
    when.textContent = String(a.created_at || "").replace("T", " ").slice(0, 16) + " ";
    var badge = document.createElement("span");
    badge.className = "badge " + String(a.kind || "").replace(/[^a-z_]/g, "");
    badge.textContent = kinds[a.kind] || a.kind || "";
    var link = document.createElement("a");
    link.href = "/alerts/" + encodeURIComponent(a.alert_id);
    link.textContent = a.title || a.alert_id;          // text, never HTML
    li.appendChild(when);
    li.appendChild(badge);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(link);
    if (a.target_id) {
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " · " + (names[a.target_id] || a.target_id);
      li.appendChild(meta);
    }
    list.insertBefore(li, list.firstChild);
    var none = document.getElementById("no-alerts");
    if (none) none.remove();
  });
}

// forms that undo something (remove an account) ask first: <form data-confirm="question">
function confirmForms() {
  document.body.addEventListener("submit", function (ev) {
    var ask = ev.target.getAttribute && ev.target.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) ev.preventDefault();
  });
}

document.addEventListener("DOMContentLoaded", function () {
  confirmForms();
  drawCharts(document);
  drawGraph();
  liveAlerts();
  document.body.addEventListener("htmx:afterSwap", function (ev) { drawCharts(ev.target); });
});
