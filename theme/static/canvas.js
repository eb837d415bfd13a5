// A canvas board is drawn at build time and reads without this script. This fits each board
// to its box and adds zoom (wheel, buttons) and pan (drag); a click that does not move stays
// a click on a card's link.
(function () {
  "use strict";

  document.querySelectorAll(".canvas-board").forEach(function (board) {
    var svg = board.querySelector("svg.canvas-view");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
    var base = svg.viewBox.baseVal;
    var full = { x: base.x, y: base.y, w: base.width, h: base.height };
    if (!full.w || !full.h) return;
    board.classList.add("interactive");
    var view = {};

    function size() {
      var width = board.clientWidth || 1;
      var wanted = width * full.h / full.w;
      board.style.height = Math.max(240, Math.min(window.innerHeight * 0.75, wanted)) + "px";
    }
    function scale() { // screen pixels per canvas unit
      var r = svg.getBoundingClientRect();
      return Math.min(r.width / view.w, r.height / view.h) || 1;
    }
    function apply() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    }
    function fit() {
      size();
      var r = svg.getBoundingClientRect();
      // The whole board, never blown up past its own size.
      var s = Math.min(1, r.width / full.w, r.height / full.h) || 1;
      var w = r.width / s, h = r.height / s;
      view = { x: full.x + (full.w - w) / 2, y: full.y + (full.h - h) / 2, w: w, h: h };
      apply();
    }
    function toSvg(clientX, clientY) {
      var m = svg.getScreenCTM();
      if (!m) return { x: view.x, y: view.y };
      var pt = svg.createSVGPoint();
      pt.x = clientX; pt.y = clientY;
      return pt.matrixTransform(m.inverse());
    }
    function zoom(factor, clientX, clientY) {
      var r = svg.getBoundingClientRect();
      if (clientX === undefined) { clientX = r.left + r.width / 2; clientY = r.top + r.height / 2; }
      var s = scale();
      factor = Math.max(0.05, Math.min(4, s * factor)) / s;
      var p = toSvg(clientX, clientY);
      view.w /= factor; view.h /= factor;
      view.x = p.x - (p.x - view.x) / factor;
      view.y = p.y - (p.y - view.y) / factor;
      apply();
    }

    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      var delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      zoom(Math.exp(-delta * 0.0015), e.clientX, e.clientY);
    }, { passive: false });

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

    var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
    var controls = document.createElement("div");
    controls.className = "canvas-controls";
    [["+", zh ? "放大" : "Zoom in", function () { zoom(1.4); }],
     ["\u2212", zh ? "缩小" : "Zoom out", function () { zoom(1 / 1.4); }],
     ["\u21ba", zh ? "显示整个画布" : "Fit the whole board", fit]].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = spec[0];
      b.setAttribute("aria-label", spec[1]);
      b.title = spec[1];
      b.addEventListener("click", spec[2]);
      controls.appendChild(b);
    });
    board.appendChild(controls);
    fit();
    window.addEventListener("resize", fit);
  });
})();
