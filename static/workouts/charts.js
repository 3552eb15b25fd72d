/* Small dependency-free SVG charts for the progress page.
 *
 * Every element with data-chart="line" | "bars" | "hbars" and data-source="<id>" is drawn from
 * the JSON in <script type="application/json" id="<id>"> (Django's json_script: data, never code,
 * so the strict Content-Security-Policy holds). Shapes of the data:
 *   line:  {"unit": "kg", "points": [{"x": "2026-11-02", "y": 102.5}, ...]}
 *   bars:  {"unit": "kg", "bars": [{"label": "2026-W45", "value": 5120}, ...]}
 *   hbars: {"bars": [{"label": "chest", "value": 12, "low": 8, "high": 20}, ...]}
 *          (low/high: a shaded band, e.g. the productive range between MEV and MRV)
 * Each chart gets role="img", an aria-label and a <title> per mark, and data-points with the
 * number of marks drawn (the browser test reads it).
 */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 640, H = 260, PAD = {l: 56, r: 16, t: 16, b: 40};

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function titled(node, text) {
    el("title", {}, node).textContent = text;
    return node;
  }

  function niceMax(value) {
    if (value <= 0) return 1;
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= value) return steps[i] * power;
    }
    return 10 * power;
  }

  function fmt(n) {
    return Math.abs(n) >= 1000 ? Math.round(n).toLocaleString("en") : String(Math.round(n * 10) / 10);
  }

  function frame(container, label) {
    container.textContent = "";
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": label, class: "chart-svg"});
    container.appendChild(svg);
    return svg;
  }

  function yAxis(svg, min, max, unit) {
    var ticks = 4;
    for (var i = 0; i <= ticks; i++) {
      var v = min + (max - min) * i / ticks;
      var y = H - PAD.b - (H - PAD.t - PAD.b) * i / ticks;
      el("line", {x1: PAD.l, x2: W - PAD.r, y1: y, y2: y, class: "chart-grid"}, svg);
      el("text", {x: PAD.l - 6, y: y + 4, "text-anchor": "end", class: "chart-tick"}, svg).textContent = fmt(v);
    }
    if (unit) el("text", {x: 4, y: PAD.t + 4, class: "chart-tick"}, svg).textContent = unit;
  }

  function empty(container, text) {
    container.textContent = "";
    var p = document.createElement("p");
    p.className = "muted chart-empty";
    p.textContent = text;
    container.appendChild(p);
    container.setAttribute("data-points", "0");
  }

  function line(container, data) {
    var points = (data.points || []).filter(function (p) { return isFinite(Number(p.y)); });
    if (!points.length) return empty(container, container.getAttribute("data-empty") || "No data yet.");
    var ys = points.map(function (p) { return Number(p.y); });
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys);
    var min = Math.max(0, Math.floor((lo - (hi - lo) * 0.2 - 1) / 5) * 5);
    var max = min + niceMax(hi - min);
    var svg = frame(container, container.getAttribute("data-label") || "Line chart");
    yAxis(svg, min, max, data.unit);
    var xw = W - PAD.l - PAD.r, yh = H - PAD.t - PAD.b;
    var xy = points.map(function (p, i) {
      var x = PAD.l + (points.length === 1 ? xw / 2 : xw * i / (points.length - 1));
      var y = H - PAD.b - yh * (Number(p.y) - min) / (max - min);
      return [x, y];
    });
    el("polyline", {points: xy.map(function (q) { return q[0].toFixed(1) + "," + q[1].toFixed(1); }).join(" "),
      class: "chart-line"}, svg);
    xy.forEach(function (q, i) {
      titled(el("circle", {cx: q[0], cy: q[1], r: 4, class: "chart-dot"}, svg),
        points[i].x + ": " + fmt(Number(points[i].y)) + (data.unit ? " " + data.unit : ""));
    });
    var every = Math.max(1, Math.ceil(points.length / 6));
    points.forEach(function (p, i) {
      if (i % every === 0 || i === points.length - 1) {
        el("text", {x: xy[i][0], y: H - PAD.b + 16, "text-anchor": "middle", class: "chart-tick"}, svg)
          .textContent = String(p.x).slice(5);
      }
    });
    container.setAttribute("data-points", String(points.length));
  }

  function bars(container, data) {
    var items = data.bars || [];
    if (!items.length) return empty(container, container.getAttribute("data-empty") || "No data yet.");
    var max = niceMax(Math.max.apply(null, items.map(function (b) { return Number(b.value); })));
    var svg = frame(container, container.getAttribute("data-label") || "Bar chart");
    yAxis(svg, 0, max, data.unit);
    var xw = W - PAD.l - PAD.r, yh = H - PAD.t - PAD.b, slot = xw / items.length;
    items.forEach(function (b, i) {
      var h = yh * Number(b.value) / max;
      var x = PAD.l + slot * i + slot * 0.15;
      titled(el("rect", {x: x, y: H - PAD.b - h, width: slot * 0.7, height: Math.max(h, 0.5), class: "chart-bar"}, svg),
        b.label + ": " + fmt(Number(b.value)) + (data.unit ? " " + data.unit : ""));
      el("text", {x: x + slot * 0.35, y: H - PAD.b + 16, "text-anchor": "middle", class: "chart-tick"}, svg)
        .textContent = String(b.label).replace(/^\d{4}-/, "");
    });
    container.setAttribute("data-points", String(items.length));
  }

  function hbars(container, data) {
    var items = data.bars || [];
    if (!items.length) return empty(container, container.getAttribute("data-empty") || "No data yet.");
    var rowH = 26, height = PAD.t + PAD.b / 2 + rowH * items.length, left = 120;
    var max = niceMax(Math.max.apply(null, items.map(function (b) {
      return Math.max(Number(b.value), Number(b.high || 0));
    })));
    container.textContent = "";
    var svg = el("svg", {viewBox: "0 0 " + W + " " + height, role: "img",
      "aria-label": container.getAttribute("data-label") || "Bar chart", class: "chart-svg"});
    container.appendChild(svg);
    var xw = W - left - PAD.r;
    items.forEach(function (b, i) {
      var y = PAD.t + rowH * i;
      if (b.low != null && b.high != null) {
        el("rect", {x: left + xw * b.low / max, y: y, width: xw * (b.high - b.low) / max, height: rowH - 6,
          class: "chart-band"}, svg);
      }
      titled(el("rect", {x: left, y: y + 4, width: Math.max(xw * Number(b.value) / max, 0.5), height: rowH - 14,
        class: "chart-bar"}, svg), b.label + ": " + fmt(Number(b.value)) + " hard sets");
      el("text", {x: left - 6, y: y + rowH / 2 + 1, "text-anchor": "end", class: "chart-tick"}, svg).textContent = b.label;
      el("text", {x: left + xw * Number(b.value) / max + 4, y: y + rowH / 2 + 1, class: "chart-tick"}, svg)
        .textContent = fmt(Number(b.value));
    });
    container.setAttribute("data-points", String(items.length));
  }

  var KINDS = {line: line, bars: bars, hbars: hbars};

  function draw(container, data) {
    var kind = KINDS[container.getAttribute("data-chart")];
    if (kind) kind(container, data);
  }

  function init() {
    document.querySelectorAll("[data-chart][data-source]").forEach(function (container) {
      var source = document.getElementById(container.getAttribute("data-source"));
      if (source) draw(container, JSON.parse(source.textContent || "{}"));
    });
  }

  window.GymCharts = {draw: draw, line: line, bars: bars, hbars: hbars};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
