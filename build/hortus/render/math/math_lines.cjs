// The line protocol katex_render.cjs and temml_render.cjs share with katex.py: one JSON
// object per line each way (each script's header shows the messages).
"use strict";

const readline = require("readline");

function send(obj) {
  // Pipes are synchronous on POSIX, so one write per line keeps replies whole.
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// engine: {name, version, init(request), renderOne(tex, displayMode), message(err)}. The first
// line sets the engine up (until it is accepted); every later line is a batch of formulas.
function serve(engine) {
  let ready = false;
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
    if (!ready) {
      try {
        engine.init(request);
        ready = true;
        send({ ready: engine.version });
      } catch (err) {
        send({ fatal: "macro set rejected by " + engine.name + ": " + engine.message(err) });
      }
      return;
    }
    const items = request.items || [];
    const results = new Array(items.length);
    for (let i = 0; i < items.length; i++) results[i] = engine.renderOne(items[i][0], items[i][1]);
    send({ results });
  });
  rl.on("close", () => process.exit(0));
}

module.exports = { send, serve };
