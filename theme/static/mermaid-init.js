/* Draws the diagrams the build left to the mermaid script, in the reader's theme, and again
   when the theme is toggled. Without JavaScript their source stays readable. */
(function () {
  "use strict";
  var blocks = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  if (!blocks.length || !window.mermaid) return;
  var sources = blocks.map(function (block) { return block.textContent; });

  function dark() {
    var chosen = document.documentElement.dataset.theme;
    if (chosen) return chosen === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function draw() {
    blocks.forEach(function (block, i) {
      block.removeAttribute("data-processed");
      block.textContent = sources[i];
    });
    window.mermaid.initialize({
      startOnLoad: false, securityLevel: "strict", theme: dark() ? "dark" : "default"
    });
    window.mermaid.run({ nodes: blocks });
  }

  draw();
  new MutationObserver(draw).observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-theme"]
  });
})();
