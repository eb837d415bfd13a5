// The link graph is drawn at build time and works without this script. This adds hover
// highlighting (a note, its links and its neighbours) to every graph, and zoom and pan to the
// whole-garden graph.
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var FONT = 11; // the garden's label size in SVG units (graph.py's GARDEN_FONT)

  document.querySelectorAll("svg.graph").forEach(setup);

  function setup(svg) {
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".graph-nodes > a"));
    if (!nodes.length) return;
    var index = new Map();
    var centres = nodes.map(function (a, i) {
      index.set(a, i);
      var c = a.querySelector("circle");
      return c.getAttribute("cx") + " " + c.getAttribute("cy");
    });
    var links = nodes.map(function () { return []; });
    (svg.getAttribute("data-edges") || "").split(",").forEach(function (pair) {
      var p = pair.split(" ");
      if (p.length !== 2) return;
      var a = +p[0], b = +p[1];
      if (links[a] && links[b]) { links[a].push(b); links[b].push(a); }
    });
    var overlay = document.createElementNS(SVGNS, "path");
    overlay.setAttribute("class", "graph-hl");
    svg.insertBefore(overlay, svg.querySelector(".graph-nodes"));
    var garden = svg.closest(".garden-graph");
    var tip = garden ? makeTip(garden) : null;
    var lit = [];

    function light(i) {
      clear();
      svg.classList.add("graph-focus");
      var d = "";
      [i].concat(links[i]).forEach(function (j) { nodes[j].classList.add("lit"); lit.push(j); });
      links[i].forEach(function (j) { d += "M" + centres[i] + "L" + centres[j]; });
      overlay.setAttribute("d", d);
      // The name as a tip only where the drawing does not show it whole.
      if (tip && (svg.classList.contains("no-labels") || nodes[i].querySelector("title"))) {
        showTip(tip, garden, nodes[i]);
      }
    }
    function clear() {
      lit.forEach(function (j) { nodes[j].classList.remove("lit"); });
      lit = [];
      svg.classList.remove("graph-focus");
      overlay.setAttribute("d", "");
      if (tip) tip.hidden = true;
    }
    function nodeOf(target) {
      var a = target && target.closest ? target.closest(".graph-nodes > a") : null;
      return a && index.has(a) ? a : null;
    }
    svg.addEventListener("pointerover", function (e) {
      var a = nodeOf(e.target);
      if (a && !svg.classList.contains("dragging")) light(index.get(a));
    });
    svg.addEventListener("pointerout", function (e) {
      var a = nodeOf(e.target);
      if (a && !a.contains(e.relatedTarget)) clear();
    });
    svg.addEventListener("focusin", function (e) {
      var a = nodeOf(e.target);
      if (a) light(index.get(a));
    });
    svg.addEventListener("focusout", clear);
    if (garden) zoomable(svg, garden, clear);
  }

  function makeTip(box) {
    var tip = document.createElement("div");
    tip.className = "graph-tip";
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");
    box.appendChild(tip);
    return tip;
  }

  function showTip(tip, box, node) {
    var full = node.querySelector("title");
    tip.textContent = (full || node.querySelector("text")).textContent;
    var c = node.querySelector("circle").getBoundingClientRect();
    var b = box.getBoundingClientRect();
    tip.hidden = false;
    var left = c.left + c.width / 2 - b.left - tip.offsetWidth / 2;
    tip.style.left = Math.max(4, Math.min(left, b.width - tip.offsetWidth - 4)) + "px";
    tip.style.top = Math.max(4, c.top - b.top - tip.offsetHeight - 6) + "px";
  }

  function zoomable(svg, box, clear) {
    var base = svg.viewBox.baseVal;
    var full = { x: base.x, y: base.y, w: base.width, h: base.height };
    var group = svg.querySelector(".graph-nodes");
    box.classList.add("interactive");
    // From here the box sets the size and the viewBox does the zooming.
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    var view = {};

    function scale() { // screen pixels per SVG unit
      var r = svg.getBoundingClientRect();
      return Math.min(r.width / view.w, r.height / view.h) || 1;
    }
    function apply() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
      var s = scale();
      // Far out, labels would be specks; close in, the ones left out for room fit again.
      svg.classList.toggle("no-labels", s < 0.5);
      svg.classList.toggle("show-minor", s >= 1.6);
      group.style.fontSize = s >= 1.6 ? (FONT * 1.6 / s).toFixed(2) + "px" : "";
    }
    function reset() {
      var r = svg.getBoundingClientRect();
      // Fit the garden, but never blow a small one up past its own size.
      var s = Math.min(1, r.width / full.w, r.height / full.h) || 1;
      var w = r.width / s, h = r.height / s;
      view = { x: full.x + (full.w - w) / 2, y: full.y + (full.h - h) / 2, w: w, h: h };
      apply();
    }
    function zoom(factor, clientX, clientY) {
      var r = svg.getBoundingClientRect();
      if (clientX === undefined) { clientX = r.left + r.width / 2; clientY = r.top + r.height / 2; }
      var s = scale();
      var next = Math.max(0.05, Math.min(4, s * factor));
      factor = next / s;
      var p = toSvg(clientX, clientY);
      view.w /= factor; view.h /= factor;
      view.x = p.x - (p.x - view.x) / factor;
      view.y = p.y - (p.y - view.y) / factor;
      apply();
    }
    function toSvg(clientX, clientY) {
      var m = svg.getScreenCTM();
      if (!m) return { x: view.x, y: view.y };
      var pt = svg.createSVGPoint();
      pt.x = clientX; pt.y = clientY;
      return pt.matrixTransform(m.inverse());
    }

    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      var delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      zoom(Math.exp(-delta * 0.0015), e.clientX, e.clientY);
    }, { passive: false });

    // Drag to pan; a press that moves less than a few pixels stays a click on a note.
    var drag = null, swallowClick = false;
    svg.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    });
    svg.addEventListener("pointermove", function (e) {
      if (!drag || e.pointerId !== drag.id) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
      if (!drag.moved) {
        drag.moved = true;
        svg.setPointerCapture(e.pointerId);
        svg.classList.add("dragging");
        clear();
      }
      var s = scale();
      view.x = drag.vx - dx / s;
      view.y = drag.vy - dy / s;
      apply();
    });
    function end(e) {
      if (!drag || e.pointerId !== drag.id) return;
      swallowClick = drag.moved;
      svg.classList.remove("dragging");
      drag = null;
    }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("click", function (e) {
      if (swallowClick) { e.preventDefault(); e.stopPropagation(); swallowClick = false; }
    }, true);

    var controls = document.createElement("div");
    controls.className = "graph-controls";
    [["+", "Zoom in", function () { zoom(1.4); }],
     ["\u2212", "Zoom out", function () { zoom(1 / 1.4); }],
     ["\u21ba", "Fit the whole garden", reset]].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = spec[0];
      b.setAttribute("aria-label", spec[1]);
      b.title = spec[1];
      b.addEventListener("click", spec[2]);
      controls.appendChild(b);
    });
    box.appendChild(controls);
    reset();
    window.addEventListener("resize", apply);
  }
})();
