/* Draws the ECharts charts of a page. Options come from Python through json_script (no arithmetic
   here); maps wait for the district boundaries, fetched once from the same origin. */
(function () {
  "use strict";
  var charts = [];
  var mapReady = null;

  function draw(el) {
    var options = JSON.parse(document.getElementById(el.dataset.options).textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(options);
    el.dataset.drawn = "1";
    charts.push(chart);
  }

  function loadMap(url) {
    if (!mapReady) {
      mapReady = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) { echarts.registerMap("hangzhou", geo); });
    }
    return mapReady;
  }

  function init(root) {
    root.querySelectorAll(".wc-chart:not([data-drawn])").forEach(function (el) {
      if (el.dataset.map) {
        loadMap(el.dataset.map).then(function () { draw(el); });
      } else {
        draw(el);
      }
    });
  }

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (e) { init(e.target); });
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
