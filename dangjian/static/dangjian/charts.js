// Charts drawn by the vendored Apache ECharts (no CDN): an element with data-chart="ID" is drawn from the option
// in the JSON script element ID (Django's json_script), as SVG so the text stays text.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(JSON.parse(source.textContent));
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
