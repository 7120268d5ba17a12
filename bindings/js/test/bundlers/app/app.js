// The app a user would write: @coffre/core by its package name, nothing configured for it. The page and a module
// Web Worker each do an encrypt/decrypt round trip (a document from an ArrayBuffer, a file from a Blob) and report.
import { Coffre, ContentKey, decryptStream, encryptStream, openDocument, sealDocument } from '@coffre/core';

async function roundTrip(scope, options) {
  await Coffre.load(options);
  const key = ContentKey.generate();
  const context = { objectId: `bundled-${scope}`, revision: 1n, keyVersion: 1 };
  const text = `hello from the ${scope}`;
  const envelope = sealDocument(key, context, new TextEncoder().encode(text).buffer);
  const opened = new TextDecoder().decode(openDocument(key, context, envelope));
  const encrypted = await new Response(encryptStream(new Blob([text]), key, context)).blob();
  const decrypted = await new Response(decryptStream(encrypted, key, context)).text();
  key.dispose();
  return { text, opened, decrypted, envelopeBytes: envelope.length, fileBytes: encrypted.size };
}

async function attempt(scope, options) {
  try {
    return { ok: true, ...(await roundTrip(scope, options)) };
  } catch (e) {
    return { ok: false, error: String(e?.stack ?? e) };
  }
}

function violationLog(target) {
  const violations = [];
  target.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  return violations;
}

/** The page: its own round trip, then the worker's (`startWorker` holds the literal `new Worker(new URL(...))`). */
export async function pageMain(options, startWorker) {
  const violations = violationLog(self);
  const page = await attempt('page', options);
  const worker = await new Promise((resolve) => {
    const w = startWorker();
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => resolve({ ok: false, error: `worker error: ${e.message}` });
  });
  window.__coffre = { page, worker, violations };
}

// importScripts() (no argument: a no-op in a classic worker) throws in a module worker.
function isModuleWorker() {
  try {
    self.importScripts();
    return false;
  } catch {
    return true;
  }
}

export async function workerMain(options) {
  const violations = violationLog(self);
  self.postMessage({ ...(await attempt('worker', options)), violations, moduleWorker: isModuleWorker() });
}
