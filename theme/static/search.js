// Search box on Pagefind's JS API: results with highlighted excerpts, keyboard driven.
// The index is loaded on first focus; nothing is fetched from anywhere but this site.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form || !window.URL || !("noModule" in document.createElement("script"))) return;
  var input = form.querySelector(".search-input");
  var panel = form.querySelector(".search-results");
  var status = form.querySelector(".search-status");
  var list = form.querySelector(".search-list");
  var bundle = new URL(form.dataset.bundle, document.baseURI);
  var MAX_SHOWN = 10;
  var MAX_LOADED = 30; // results whose text is loaded to re-rank Chinese queries
  var pagefind = null;
  var hidden = {}; // Pagefind id -> URL: old versions of pages edited since their shard was made
  var generation = 0; // drops answers to queries the reader has already typed past
  var active = -1;
  var timer = 0;

  input.disabled = false;
  input.placeholder = form.dataset.placeholder;
  input.removeAttribute("title");
  form.classList.add("search-ready");

  function load() {
    if (!pagefind) {
      pagefind = import(bundle.href).then(function (pf) {
        // Result URLs relative to where the site lives, so a site under a sub-path works.
        var baseUrl = new URL("../", bundle).pathname;
        return pf.options({ baseUrl: baseUrl }).then(function () {
          pf.init();
          // A large garden's index comes in shards, listed beside the first: merged here,
          // they are searched as one. Pages edited since their shard was made are in a shard
          // of their own; the old versions, still in theirs, are listed to be hidden.
          return fetch(new URL("hortus-shards.json", bundle).href)
            .then(function (response) { return response.ok ? response.json() : { shards: [] }; })
            .catch(function () { return { shards: [] }; })
            .then(function (list) {
              hidden = list.hidden || {};
              return Promise.all((list.shards || []).map(function (shard) {
                return pf.mergeIndex(new URL(shard, bundle).pathname, { baseUrl: baseUrl });
              }));
            })
            .then(function () { return pf; });
        });
      });
      pagefind.catch(function () {}); // reported when a search needs it
    }
    return pagefind;
  }

  // Runs of Chinese or Japanese characters. The index splits them into words with one
  // dictionary and the browser splits the query with another, which may differ (方差 vs 方/差),
  // so Pagefind also returns pages holding only some pieces. When pages hold every run
  // exactly, only those are shown, with the runs highlighted: substring search, as in Obsidian.
  var CJK_RUNS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}/g;
  var HAS_CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function excerptAround(text, terms) {
    var pattern = new RegExp(
      terms.slice().sort(function (a, b) { return b.length - a.length; }).map(escapeRegExp).join("|"),
      "gi"
    );
    var first = text.search(pattern);
    if (first < 0) return null;
    var start = Math.max(0, first - 28);
    var end = Math.min(text.length, first + 72);
    var slice = text.slice(start, end);
    var html = "";
    var last = 0;
    slice.replace(pattern, function (match, offset) {
      html += escapeHtml(slice.slice(last, offset)) + "<mark>" + escapeHtml(match) + "</mark>";
      last = offset + match.length;
      return match;
    });
    html += escapeHtml(slice.slice(last));
    return (start > 0 ? "…" : "") + html + (end < text.length ? "…" : "");
  }

  function rank(query, results, total) {
    var runs = query.match(CJK_RUNS);
    if (!runs) return { results: results, total: total };
    var words = query.split(/\s+/).filter(function (w) { return w && !HAS_CJK.test(w); });
    var exact = [];
    var rest = [];
    results.forEach(function (r) {
      var text = (r.content || "").replace(/\u200b/g, "");
      var squeezed = text.replace(/\s+/g, "");
      var holds = runs.every(function (run) { return squeezed.indexOf(run) >= 0; });
      if (!holds) return rest.push(r);
      var excerpt = excerptAround(text, runs.concat(words));
      exact.push(excerpt ? Object.assign({}, r, { excerpt: excerpt }) : r);
    });
    return exact.length ? { results: exact, total: exact.length } : { results: rest, total: total };
  }

  // The results without the old versions of edited pages. A hidden id is checked against
  // its page's URL too: ids are unique within one shard, not across them.
  function current(results) {
    return Promise.all(results.map(function (r) {
      if (!Object.prototype.hasOwnProperty.call(hidden, r.id)) return r;
      // An old version's record is no longer shipped: failing to load it means it is one.
      return r.data().then(
        function (data) { return data.raw_url === hidden[r.id] ? null : r; },
        function () { return null; }
      );
    })).then(function (kept) { return kept.filter(Boolean); });
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function open() {
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
    // Keep the panel on screen: right-aligned to the box, shifted right if it would start
    // off the left edge (a phone).
    panel.style.right = "0px";
    var left = panel.getBoundingClientRect().left;
    if (left < 8) panel.style.right = (left - 8) + "px";
  }

  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function select(index) {
    var items = list.children;
    if (!items.length) return;
    if (active >= 0 && items[active]) items[active].removeAttribute("aria-selected");
    active = ((index % items.length) + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function render(query, total, results) {
    list.textContent = "";
    active = -1;
    results.slice(0, MAX_SHOWN).forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "search-result-" + i;
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = r.url;
      a.tabIndex = -1;
      var title = document.createElement("span");
      title.className = "search-title";
      title.textContent = (r.meta && r.meta.title) || r.url;
      var excerpt = document.createElement("span");
      excerpt.className = "search-excerpt";
      // Pagefind escapes the text and adds only <mark>; it marks the space after a word too.
      excerpt.innerHTML = r.excerpt.replace(/(\s+)<\/mark>/g, "</mark>$1");
      a.appendChild(title);
      a.appendChild(excerpt);
      li.appendChild(a);
      li.addEventListener("mousemove", function () { if (active !== i) select(i); });
      list.appendChild(li);
    });
    status.textContent = total
      ? format(form.dataset.results, { n: total })
      : format(form.dataset.none, { q: query });
    form.classList.toggle("search-empty", !total);
    open();
  }

  function search() {
    var query = input.value.trim();
    var mine = ++generation;
    if (!query) {
      list.textContent = "";
      close();
      return;
    }
    load()
      .then(function (pf) { return pf.search(query); })
      .then(function (found) { return current(found.results); })
      .then(function (results) {
        if (mine !== generation) return null;
        var top = results.slice(0, MAX_LOADED);
        return Promise.all(top.map(function (r) { return r.data(); })).then(function (data) {
          if (mine !== generation) return;
          var ranked = rank(query, data, results.length);
          render(query, ranked.total, ranked.results);
        });
      })
      .catch(function (error) {
        if (mine !== generation) return;
        list.textContent = "";
        status.textContent = form.dataset.unavailable;
        form.classList.add("search-empty");
        open();
        if (window.console) console.warn("search:", error);
      });
  }

  function go() {
    var items = list.children;
    var target = items[active >= 0 ? active : 0];
    if (target) window.location.href = target.querySelector("a").href;
  }

  input.addEventListener("focus", function () {
    load().catch(function () {});
    if (input.value.trim() && list.children.length) open();
  });
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  }
  // While a Chinese input method is composing, the box holds pinyin, not the query.
  input.addEventListener("input", function (e) {
    if (!e.isComposing) schedule();
  });
  input.addEventListener("compositionend", schedule);
  input.addEventListener("keydown", function (e) {
    if (e.isComposing) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (panel.hidden && list.children.length) open();
      var down = e.key === "ArrowDown";
      select(active < 0 ? (down ? 0 : -1) : active + (down ? 1 : -1));
    } else if (e.key === "Escape") {
      e.preventDefault();
      if (!panel.hidden) close();
      else input.value = "";
      input.blur();
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    if (list.children.length) go();
    else search();
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    var cmdK = (e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K");
    var slash = e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
    if (cmdK || slash) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
  document.addEventListener("pointerdown", function (e) {
    if (!form.contains(e.target)) close();
  });
})();
