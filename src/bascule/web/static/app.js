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
      var palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                     "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
      var g = new graphology.Graph({ multi: false, type: "directed" });
      var n = data.nodes.length;
      var maxDeg = 1;
      data.nodes.forEach(function (node) { maxDeg = Math.max(maxDeg, node.degree); });
      data.nodes.forEach(function (node, i) {
        var c = node.community;
        var hasPos = typeof node.x === "number" && typeof node.y === "number";
        var angle = 2 * Math.PI * i / n;
        g.addNode(node.id, {
          x: hasPos ? node.x : Math.cos(angle), y: hasPos ? node.y : Math.sin(angle),
          size: 2 + 14 * Math.sqrt(node.degree / maxDeg),
          label: (node.label || node.id) + (c === null || c === undefined ? "" : " · #" + c),
          color: c === null || c === undefined ? "#999" : palette[Math.abs(c) % palette.length]
        });
      });
      data.edges.forEach(function (e) {
        if (!g.hasEdge(e.source, e.target) && e.source !== e.target) {
          g.addEdge(e.source, e.target, { size: 0.5, color: "#d5d8dc" });
        }
      });
      new Sigma(g, el, { renderEdgeLabels: false, labelRenderedSizeThreshold: 9,
                         labelDensity: 0.5, labelFont: "system-ui, sans-serif" });
      el.classList.add("drawn");
      var lang = document.documentElement.lang === "en" ? "en-CA" : "fr-CA";  // 10 666 / 10,666
      var fmt = function (x) { return Number(x).toLocaleString(lang); };
      if (note) note.textContent = fmt(n) + " " + (el.dataset.of || "/") + " " + fmt(data.total_nodes);
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
