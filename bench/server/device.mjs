// The CLI device of a `coffre init --no-passphrase` home as @coffre/core DeviceKeys, and signed request headers for
// it (docs/STORE.md section 2). Bench-only: it reads the unprotected seeds of a throwaway account.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** @coffre/core from the worktree's bindings/js/dist (what the server links to). */
export async function loadCore(root) {
  const core = await import(pathToFileURL(join(root, 'bindings/js/dist/index.js')).href);
  await core.init();
  return core;
}

/** { keys, user } of HOME/device.state (cli/src/device_state.hpp: `keys plain <base64>` = sign_seed || kem_seed). */
export function loadDevice(core, home) {
  const text = readFileSync(join(home, 'device.state'), 'utf8');
  const field = (name) => {
    const m = new RegExp(`^${name} (.+)$`, 'm').exec(text);
    if (m === null) throw new Error(`${home}/device.state: no "${name}" line (made with --no-passphrase?)`);
    return m[1].trim();
  };
  const user = Buffer.from(field('user'), 'hex');
  const id = Buffer.from(field('device'), 'hex');
  const plain = field('keys');
  if (!plain.startsWith('plain ')) throw new Error('the device keys are protected: init with --no-passphrase');
  const seeds = Buffer.from(plain.slice(6), 'base64');
  if (seeds.length !== 64) throw new Error('keys plain: not 64 bytes');
  const keys = core.DeviceKeys.fromSeeds({ id, signSeed: seeds.subarray(0, 32), kemSeed: seeds.subarray(32) });
  return { keys, user };
}

/** The Coffre-* headers of one request (a fresh random nonce each time). */
export function signedHeaders(core, device, method, target, body) {
  const contentSha256 = createHash('sha256').update(body ?? Buffer.alloc(0)).digest();
  return core.signStoreRequest(device.keys, { method, target, contentSha256, user: device.user }).headers;
}
