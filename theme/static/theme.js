// Light/dark toggle: follows the system until the reader chooses, then remembers the choice.
(function () {
  var button = document.querySelector(".theme-toggle");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var root = document.documentElement;
    var dark = root.dataset.theme
      ? root.dataset.theme === "dark"
      : window.matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "light" : "dark";
    try { localStorage.setItem("hortus-theme", root.dataset.theme); } catch (e) {}
  });
})();
