// Charts that fit a phone, for the war room (after app.js draws them) and the HTML report
// (which inlines this file). A figure may carry a layout for narrow screens:
// layout.meta.narrow = {below: px, layout: {...}, wide: {...}} (end labels shortened, titles
// wrapped...). It is applied while the chart is narrower than `below` px, and `wide` puts
// the figure's own layout back.
"use strict";

function fitChart(el) {
  var meta = el.layout && el.layout.meta;
  var narrow = meta && meta.narrow;
  if (!narrow || !narrow.below) return Promise.resolve();
  var want = el.clientWidth < narrow.below ? "narrow" : "wide";
  if ((el.dataset.fit || "wide") === want) { el.dataset.fit = want; return Promise.resolve(); }
  el.dataset.fit = want;
  return Plotly.relayout(el, want === "narrow" ? narrow.layout : narrow.wide).then(function () {
    // boxes a page sized to the chart's first height (the report's) follow it
    var h = el.layout.height;
    [el, el.parentElement].forEach(function (box) {
      if (h && box && box.style.height) box.style.height = h + "px";
    });
  });
}

// Fit the charts matching `selector` again whenever the window is resized.
function watchCharts(selector) {
  window.addEventListener("resize", function () {
    clearTimeout(watchCharts.timer);
    watchCharts.timer = setTimeout(function () {
      document.querySelectorAll(selector).forEach(fitChart);
    }, 150);
  });
}
