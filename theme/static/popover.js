// Link previews: pointing at an internal link (or focusing it from the keyboard) shows the
// target note in a popover, taken from the built page itself, as Quartz and Obsidian Publish
// do. Never on touch, where there is no hover and a tap should simply follow the link.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) return;
  var LINKS = "a.internal, .backlinks a, .explorer a";
  var SHOW_DELAY = 300, HIDE_DELAY = 250;
  var cache = new Map(); // page URL (no #fragment) -> Promise of the note's <article> or null
  var popover = null, current = null, showTimer = 0, hideTimer = 0, seq = 0;

  function linkOf(target) {
    var a = target && target.closest ? target.closest(LINKS) : null;
    if (!a || (popover && popover.contains(a))) return null;
    if (a.closest("svg")) return null; // graph nodes have their own hover
    var url;
    try { url = new URL(a.href, location.href); } catch (e) { return null; }
    if (url.origin !== location.origin) return null;
    if (url.pathname === location.pathname && url.search === location.search) return null;
    return a;
  }

  function load(pageUrl) {
    if (!cache.has(pageUrl)) {
      cache.set(pageUrl, fetch(pageUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { return html === null ? null : extract(html, pageUrl); })
        .catch(function () { return null; }));
    }
    return cache.get(pageUrl);
  }

  // The note's article, made safe to place in this page: no scripts or handlers, URLs made
  // absolute (they were relative to the other page), ids kept aside so they cannot clash.
  function extract(html, pageUrl) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var article = doc.querySelector("article.note-article");
    if (!article) return null;
    article.querySelectorAll("script, iframe, object, embed, noscript").forEach(function (el) {
      el.remove();
    });
    article.querySelectorAll("*").forEach(function (el) {
      Array.prototype.slice.call(el.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        if (name.indexOf("on") === 0) el.removeAttribute(attr.name);
      });
      ["href", "src"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value === null || value.charAt(0) === "#") return;
        try { el.setAttribute(name, new URL(value, pageUrl).href); } catch (e) { /* keep */ }
      });
      if (el.hasAttribute("srcset")) el.removeAttribute("srcset");
      if (el.id) { el.setAttribute("data-popover-id", el.id); el.removeAttribute("id"); }
      if (el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
        el.setAttribute("tabindex", "-1"); // a preview, not a second place to tab through
      }
    });
    return article;
  }

  function ensurePopover() {
    if (popover) return popover;
    popover = document.createElement("div");
    popover.className = "popover";
    popover.setAttribute("aria-hidden", "true"); // the link itself is what assistive tech reads
    popover.hidden = true;
    popover.addEventListener("pointerenter", function () { clearTimeout(hideTimer); });
    popover.addEventListener("pointerleave", scheduleHide);
    document.body.appendChild(popover);
    return popover;
  }

  function show(a) {
    var url = new URL(a.href, location.href);
    var hash = url.hash;
    url.hash = "";
    var pageUrl = url.href;
    var mine = ++seq;
    current = a;
    load(pageUrl).then(function (article) {
      if (mine !== seq || current !== a || !article) return;
      var box = ensurePopover();
      var inner = document.createElement("div");
      inner.className = "popover-inner";
      inner.appendChild(article.cloneNode(true));
      box.replaceChildren(inner);
      box.hidden = false;
      place(box, a);
      if (hash.length > 1) scrollToAnchor(inner, decodeURIComponent(hash.slice(1)));
      else inner.scrollTop = 0;
    });
  }

  function scrollToAnchor(inner, id) {
    var target = null;
    inner.querySelectorAll("[data-popover-id]").forEach(function (el) {
      if (!target && el.getAttribute("data-popover-id") === id) target = el;
    });
    if (!target) return;
    inner.scrollTop += target.getBoundingClientRect().top - inner.getBoundingClientRect().top - 8;
    target.classList.add("popover-target");
  }

  // Below the link when there is room, else above; kept inside the viewport.
  function place(box, a) {
    var r = a.getBoundingClientRect();
    var w = box.offsetWidth, h = box.offsetHeight, gap = 8;
    var vw = document.documentElement.clientWidth, vh = window.innerHeight;
    var left = Math.max(8, Math.min(r.left, vw - w - 8));
    var top = r.bottom + gap + h <= vh || r.top - gap - h < 0 ? r.bottom + gap : r.top - gap - h;
    box.style.left = left + window.scrollX + "px";
    box.style.top = top + window.scrollY + "px";
  }

  function hide() {
    seq++;
    current = null;
    clearTimeout(showTimer);
    if (popover) { popover.hidden = true; popover.replaceChildren(); }
  }

  function scheduleShow(a) {
    clearTimeout(hideTimer);
    if (current === a && popover && !popover.hidden) return;
    clearTimeout(showTimer);
    showTimer = setTimeout(function () { show(a); }, SHOW_DELAY);
  }

  function scheduleHide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  document.addEventListener("pointerover", function (e) {
    if (e.pointerType === "touch") return;
    var a = linkOf(e.target);
    if (a) scheduleShow(a);
  });
  document.addEventListener("pointerout", function (e) {
    if (e.pointerType === "touch") return;
    var a = linkOf(e.target);
    if (a && !a.contains(e.relatedTarget)) scheduleHide();
  });
  // Keyboard focus only: a tap or click also focuses the link, and must not open a preview.
  document.addEventListener("focusin", function (e) {
    var a = linkOf(e.target);
    if (a && a.matches(":focus-visible")) scheduleShow(a);
  });
  document.addEventListener("focusout", function (e) {
    if (linkOf(e.target)) scheduleHide();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  // A touch starts no preview, and closes one a mouse left open.
  document.addEventListener("pointerdown", function (e) {
    if (e.pointerType === "touch") hide();
  });
  window.addEventListener("pagehide", hide);
})();
