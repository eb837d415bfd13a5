// Light/dark toggle: follows the system until the reader chooses, then remembers the choice.
(function () {
  var button = document.querySelector(".theme-toggle");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var root = document.documentElement;
      var dark = root.dataset.theme
        ? root.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("hortus-theme", root.dataset.theme); } catch (e) {}
    });
  }

  // On a phone the explorer and the table of contents start folded away.
  if (window.matchMedia("(max-width: 63.99rem)").matches) {
    document.querySelectorAll(".explorer-fold, .toc-fold").forEach(function (d) { d.open = false; });
  }

  // Mark the section being read in the table of contents.
  var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  if (!links.length || !("IntersectionObserver" in window)) return;
  var byId = {};
  links.forEach(function (a) { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
  var headings = Object.keys(byId).map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  var visible = new Set();
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) visible.add(e.target); else visible.delete(e.target); });
    var current = headings.filter(function (h) { return visible.has(h); })[0];
    if (!current) {
      current = headings.filter(function (h) { return h.getBoundingClientRect().top < 80; }).pop();
    }
    links.forEach(function (a) { a.classList.remove("active"); });
    if (current && byId[current.id]) byId[current.id].classList.add("active");
  }, { rootMargin: "0px 0px -60% 0px" });
  headings.forEach(function (h) { observer.observe(h); });
})();
