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
const readline = require("readline");
const { createRequire } = require("module");

function send(obj) {
  // Pipes are synchronous on POSIX, so one write per line keeps replies whole.
  process.stdout.write(JSON.stringify(obj) + "\n");
}

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

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    send({ fatal: "bad request: " + err.message });
    return;
  }
  if (baseMacros === null) {
    try {
      init(request);
      send({ ready: katex.version });
    } catch (err) {
      send({ fatal: "macro set rejected by KaTeX: " + message(err) });
    }
    return;
  }
  const items = request.items || [];
  const results = new Array(items.length);
  for (let i = 0; i < items.length; i++) results[i] = renderOne(items[i][0], items[i][1]);
  send({ results });
});
rl.on("close", () => process.exit(0));
