// BENCH ONLY: `node --import bench/server/unsigned-hook.mjs server/dist/src/main.js ...` runs the unchanged server
// build with two statements of auth/authenticate.js removed as the module loads: the signature check
// (checkSignature, STORE.md section 2 step 3) and the nonce insert (step 4). Everything else (header parsing, clock,
// rate limit, the signer's standing, the policy) runs as usual, so the difference in requests per second against
// the plain server is what verifying signatures costs. The server has no flag for this: nothing in server/ can turn
// it on; only starting node with this file does, and the process says so on stderr. Each rewrite must match exactly
// once, or the server does not start (a changed authenticate.ts fails loudly instead of benchmarking the wrong thing).
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {  // the hooks below run in node's loader thread, which imports this file again
  process.stderr.write(`coffre-server: BENCH BUILD: NOT checked: ${process.env.COFFRE_BENCH_SKIP ?? 'signature,nonce'}\n`);
  register(import.meta.url);
}

// COFFRE_BENCH_SKIP=signature or =nonce removes only one of the two (to tell their costs apart); default both.
const skip = (process.env.COFFRE_BENCH_SKIP ?? 'signature,nonce').split(',');
const rewrites = [
  // step 3: the Ed25519 verification of the request
  ['signature', /\n\s*checkSignature\(req, h\);/, '\n    /* bench: signature not checked */'],
  // step 4: the nonce insert (a database round trip, one commit, shared by the requests that wait together)
  ['nonce', /const recorded = nonces\.record\(h\.key, h\.nonce\)\.then\(/, 'const recorded = Promise.resolve(true).then( /* bench: no nonce */'],
].filter(([name]) => skip.includes(name)).map(([, p, r]) => [p, r]);

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.endsWith('/server/dist/src/auth/authenticate.js')) return result;
  let source = String(result.source);
  for (const [pattern, replacement] of rewrites) {
    const hits = source.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
    if (hits !== 1) throw new Error(`unsigned-hook: ${pattern} matched ${hits} times in ${url}: update the hook`);
    source = source.replace(pattern, replacement);
  }
  return { ...result, source, shortCircuit: true };
}
