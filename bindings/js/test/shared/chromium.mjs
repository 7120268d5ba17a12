// Headless Chromium (playwright-core, the system's /usr/bin/chromium) and a static server on 127.0.0.1 that sends
// the strict CSP every browser test runs under (script-src 'self' 'wasm-unsafe-eval': no eval). Shared by
// test/browser/ and test/bundlers/.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';

import { chromium } from 'playwright-core';

export const chromiumPath = process.env.COFFRE_CHROMIUM ?? '/usr/bin/chromium';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };

/** The headers of every response: the CSP, no caching, no sniffing. */
export function baseHeaders() {
  return { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
}

/**
 * Answers with the file at `rel` under `base` if it lies under one of `roots` (absolute folders), else 404.
 * `rel` is a decoded URL path without its leading '/'.
 */
export function sendFile(res, base, rel, roots) {
  const file = resolve(base, rel);
  const allowed = roots.some((root) => file.startsWith(join(root, sep)));
  if (!allowed || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    res.writeHead(404, baseHeaders()).end('not found');
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { ...baseHeaders(), 'Content-Type': type }).end(readFileSync(file));
}

export function urlPath(req) {
  return decodeURIComponent(new URL(req.url, 'http://x').pathname);
}

/** Runs `body(origin)` with `handler` serving on 127.0.0.1 (a free port); closes the server after. */
export async function withServer(handler, body) {
  const server = createServer(handler);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    return await body(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
  }
}

/**
 * Runs `body(context)` with a fresh headless Chromium profile (no network at start); closes and deletes it after.
 * `extraArgs`: more command-line switches (the benchmark's --js-flags).
 */
export async function withChromium(body, extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'coffre-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', ...extraArgs],
    });
    return await body(context);
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Collects a page's console messages and uncaught errors into `logs`. */
export function collectLogs(page, logs) {
  page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.stack ?? e}`));
}
