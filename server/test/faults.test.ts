// Faults (issue 9): kill -9 of the server during an upload and during a log append, PostgreSQL restarted mid-run.
// Clients retry or resume; nothing half-written is ever served; nothing acknowledged is lost.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  approveNewDevice, expectStatus, fetchLog, hex, newAccount, type Response, send, startServer,
} from './harness.js';

const ROOT = process.env['COFFRE_ROOT'] ?? '';

test('kill -9 during an upload: the upload resumes from the stored parts, nothing visible before the commit', async () => {
  let server = await startServer();
  const port = server.port;
  const acc = await newAccount(server.url);
  const path = `drive/${acc.user}/blobs/${'a1'.repeat(16)}/1`;
  const content = randomBytes(3 * 300_000);
  const part = (k: number): Buffer => content.subarray(k * 300_000, (k + 1) * 300_000);
  const id = String((await expectStatus(acc.client.post('/v1/uploads', { path }), 201)).json()['id']);
  await expectStatus(acc.client.put(`/v1/uploads/${id}/0`, part(0)), 204);
  await expectStatus(acc.client.put(`/v1/uploads/${id}/1`, part(1)), 204);
  // Part 2: half its bytes sent, then the server is killed.
  const headers = acc.client.signedHeaders('PUT', `/v1/uploads/${id}/2`, part(2));
  const cut = send(server.url, 'PUT', `/v1/uploads/${id}/2`, part(2).subarray(0, 150_000), headers,
    { declaredLength: 300_000 }).catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, 200));
  await server.kill9();
  assert.ok(await cut instanceof Error, 'the cut request got no answer');
  server = await startServer([], port);
  try {
    const state = await expectStatus(acc.client.get(`/v1/uploads/${id}`), 200);
    const parts = state.json()['parts'] as { k: number; size: number }[];
    assert.deepEqual(parts.map((p) => p.k), [0, 1]);
    await expectStatus(acc.client.get(`/v1/o/${path}`), 404);
    const listed = await expectStatus(acc.client.get(`/v1/list/drive/${acc.user}/blobs`), 200);
    assert.deepEqual(listed.json()['names'], []);
    await expectStatus(acc.client.post(`/v1/uploads/${id}/commit`, { parts: 3, size: content.length }), 409);
    await expectStatus(acc.client.put(`/v1/uploads/${id}/2`, part(2)), 204);
    await expectStatus(acc.client.put(`/v1/uploads/${id}/2`, part(2)), 204);  // resent after a lost answer
    await expectStatus(acc.client.put(`/v1/uploads/${id}/2`, part(1)), 409);  // other bytes
    await expectStatus(acc.client.post(`/v1/uploads/${id}/commit`, { parts: 3, size: content.length }), 201);
    const got = await expectStatus(acc.client.get(`/v1/o/${path}`), 200);
    assert.ok(got.body.equals(content));
  } finally {
    await server.stop();
  }
});

test('kill -9 during log appends: the retried append finds its entry or makes it, the log stays whole', async () => {
  let server = await startServer();
  const port = server.port;
  const acc = await newAccount(server.url);
  for (let round = 0; round < 4; round++) {
    const { log } = await fetchLog(acc.client, acc.user);
    const { device, entry, wrap } = approveNewDevice(acc, log);
    await expectStatus(acc.client.create(`accounts/${acc.user}/wraps/${log.rootEpoch}/${hex(device.id)}.wrap`, wrap),
      201);
    const target = `accounts/${acc.user}/log/${log.head.seq + 1n}.entry`;
    const inflight = acc.client.create(target, entry).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, round * 3));  // kill at different points of the append
    await server.kill9();
    const first = await inflight;
    server = await startServer([], port);
    // The client retries the same create-only PUT; 412 exists: the stored entry must be its own.
    const retry = await acc.client.create(target, entry);
    if (retry.status === 412) {
      const stored = await expectStatus(acc.client.get(`/v1/o/${target}`), 200);
      assert.ok(stored.body.equals(Buffer.from(entry)));
    } else {
      assert.equal(retry.status, 201, retry.body.toString());
      assert.ok(first instanceof Error || (first as Response).status !== 201, 'an acknowledged append was lost');
    }
    const after = await fetchLog(acc.client, acc.user);
    assert.equal(after.entries.length, Number(log.head.seq) + 2);
    assert.ok(after.log.contains(device.id));
  }
  await server.stop();
});

test('PostgreSQL restarted mid-run: 503 while it is down, then every request succeeds, nothing acknowledged lost', async () => {
  const server = await startServer();
  try {
    const acc = await newAccount(server.url);
    const acknowledged: string[] = [];
    const statuses = new Set<number>();
    let running = true;
    const writer = (async () => {
      for (let i = 0; running; i++) {
        const path = `accounts/${acc.user}/pins/1/${i + 1}.pins`;
        let r: Response;
        do {
          r = await acc.client.create(path, `pins ${i}`);
          statuses.add(r.status);
          if (r.status === 503) await new Promise((res) => setTimeout(res, 50));
        } while (r.status === 503);
        assert.ok(r.status === 201 || r.status === 412, `${r.status} ${r.body.toString()}`);
        acknowledged.push(path);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    // Asynchronously: the writer keeps sending while PostgreSQL is down.
    await promisify(execFile)('bash', ['-c', `. "${ROOT}/scripts/lib/pg.sh" && pg_throwaway_restart`]);
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await writer;
    assert.ok(statuses.has(503), `503 while PostgreSQL was down (saw ${[...statuses]})`);
    for (const p of acknowledged) await expectStatus(acc.client.get(`/v1/o/${p}`), 200);
  } finally {
    await server.stop();
  }
});
