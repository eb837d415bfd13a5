// Renders TeX to MathML with Temml for hortus (math-output = "mathml"); katex.py starts this
// once per build, as it starts katex_render.cjs for the HTML output.
//
// Usage: node temml_render.cjs <path of node_modules/temml>
// Protocol: the same as katex_render.cjs, one JSON object per line each way:
//   first line in:  {"macros": {"\\name": "expansion", ...}, "preamble": "\\gdef..."}
//   first line out: {"ready": "<temml version>"}  or  {"fatal": "message"}
//   then, per line in:  {"items": [["tex", displayMode], ...]}
//   per line out:       {"results": [["mathml", null] | [null, "error message"], ...]}
"use strict";

const path = require("path");
const { send, serve } = require("./math_lines.cjs");
const { createRequire } = require("module");


const temmlDir = process.argv[2];
let temml;
try {
  const root = path.resolve(temmlDir);
  // Through the package's "exports": a plain path would get the browser build.
  temml = createRequire(path.join(root, "package.json"))("temml");
  // Temml's mhchem is a browser script that extends the global `temml`.
  globalThis.temml = temml;
  require(path.join(root, "contrib", "mhchem", "mhchem.js"));
} catch (err) {
  send({ fatal: "cannot load Temml from " + temmlDir + ": " + err.message });
  process.exit(1);
}

let baseMacros = null;

function message(err) {
  const text = String((err && err.message) || err);
  if (!(err instanceof temml.ParseError)) return text;
  // Temml underlines the offending input with combining low lines on a second line:
  // a warning is one line, so keep the words and the plain source.
  return "Temml parse error: " + text.replace(/\u0332/g, "").replace(/\s+/g, " ").trim();
}

function renderOne(tex, displayMode) {
  try {
    const mathml = temml.renderToString(tex, {
      displayMode: Boolean(displayMode),
      annotate: true, // the TeX source rides along, as in KaTeX's output: search and copy use it
      throwOnError: true,
      trust: false,
      strict: false, // Obsidian's MathJax is lenient
      // Temml writes \gdef results into this object: a fresh copy per formula keeps one
      // formula's definitions out of the next.
      macros: Object.assign({}, baseMacros),
    });
    return [mathml, null];
  } catch (err) {
    return [null, message(err)];
  }
}

function init(request) {
  const preamble = request.preamble || "";
  // Definitions with delimited parameters (\def\root#1\of{...}) cannot be plain string
  // macros: Temml parses them once here into macro objects.
  const macros = preamble ? temml.definePreamble(preamble, { strict: false, trust: false }) : {};
  // String macros last: the caller's own definitions win over the compat set.
  Object.assign(macros, request.macros || {});
  baseMacros = macros;
}

serve({ name: "Temml", version: temml.version, init, renderOne, message });
