// Renders TeX with KaTeX for hortus (build/hortus/katex.py starts this once per build).
//
// Usage: node katex_render.cjs <path of node_modules/katex>
// Protocol, one JSON object per line each way:
//   first line in:  {"macros": {"\\name": "expansion", ...}, "preamble": "\\gdef..."}
//   first line out: {"ready": "<katex version>"}  or  {"fatal": "message"}
//   then, per line in:  {"items": [["tex", displayMode], ...]}
//   per line out:       {"results": [["html", null] | [null, "error message"], ...]}
"use strict";

const path = require("path");
const { send, serve } = require("./math_lines.cjs");
const { createRequire } = require("module");


const katexDir = process.argv[2];
let katex;
try {
  // Resolve through the package itself: mhchem does require("katex"), and this
  // makes that find the same copy even when katexDir is not under node_modules.
  const root = path.resolve(katexDir);
  const katexRequire = createRequire(path.join(root, "package.json"));
  try {
    katex = katexRequire("katex");
    katexRequire("katex/contrib/mhchem");
  } catch (err) {
    // A KaTeX whose package.json has no "exports" cannot name itself: load by path.
    katex = require(path.join(root, "dist", "katex.js"));
    require(path.join(root, "dist", "contrib", "mhchem.js"));
  }
} catch (err) {
  send({ fatal: "cannot load KaTeX from " + katexDir + ": " + err.message });
  process.exit(1);
}

let baseMacros = null;

function message(err) {
  return err instanceof katex.ParseError ? err.message : String((err && err.message) || err);
}

function renderOne(tex, displayMode) {
  try {
    const html = katex.renderToString(tex, {
      displayMode: Boolean(displayMode),
      output: "htmlAndMathml",
      throwOnError: true,
      trust: false,
      strict: "ignore", // Obsidian's MathJax is lenient: no warnings for LaTeX-incompatible input
      // KaTeX writes \gdef results into this object: a fresh copy per formula
      // keeps one formula's definitions out of the next.
      macros: Object.assign({}, baseMacros),
    });
    return [html, null];
  } catch (err) {
    return [null, message(err)];
  }
}

function init(request) {
  baseMacros = {};
  const macros = request.macros || {};
  const preamble = request.preamble || "";
  // Definitions with delimited parameters (\def\root#1\of{...}) cannot be plain
  // string macros, so KaTeX runs them once here and stores them in baseMacros.
  if (preamble) {
    katex.renderToString(preamble, {
      throwOnError: true,
      globalGroup: true,
      strict: "ignore",
      trust: false,
      macros: baseMacros,
    });
  }
  // String macros last: the caller's own definitions win over the compat set.
  for (const [name, expansion] of Object.entries(macros)) baseMacros[name] = expansion;
}

serve({ name: "KaTeX", version: katex.version, init, renderOne, message });
