// Runs the shared checks and the vector replay in a browser context (page or Web Worker); returns plain data.
import { ACCOUNT_VECTOR_FILES, checks, parseVectors, replayAccountVectors, replayVectors, toHex }
  from '/test/shared/checks.mjs';
import { sharingFlowCheck } from '/test/shared/sharing_checks.mjs';

async function sha256(bytes) {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

function evalBlocked() {
  try {
    // eslint-disable-next-line no-eval
    (0, eval)('1');
    return false;
  } catch (e) {
    return e instanceof EvalError;
  }
}

export async function runAll(lib, internals, seed) {
  const out = { checks: [], vectors: [], evalBlocked: evalBlocked(), fatal: undefined };
  try {
    await lib.Coffre.load();
    // One sharing flow, in the page only (the node tests run the others).
    const sharing = typeof window === 'undefined' ? [] : [sharingFlowCheck(lib)];
    for (const c of [...checks(lib, { internals, seed }), ...sharing]) {
      const start = performance.now();
      try {
        await c.run();
        out.checks.push({ name: c.name, ok: true, ms: performance.now() - start });
      } catch (e) {
        out.checks.push({ name: c.name, ok: false, error: String(e?.stack ?? e) });
      }
    }
    const response = await fetch('/vectors.json');
    if (!response.ok) throw new Error(`/vectors.json: HTTP ${response.status}`);
    const files = {};
    for (const [name, text] of Object.entries(await response.json())) files[name] = parseVectors(text);
    out.vectors = await replayVectors(lib, files, sha256, { chunked: true, seed });
    const missing = ACCOUNT_VECTOR_FILES.filter((f) => files[f] === undefined);
    if (missing.length > 0) throw new Error(`/vectors.json lacks ${missing.join(', ')}`);
    out.vectors.push(...await replayAccountVectors(lib, files, sha256));
  } catch (e) {
    out.fatal = String(e?.stack ?? e);
  }
  return out;
}
