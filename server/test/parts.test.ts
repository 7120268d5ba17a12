// Upload parts (STORE.md section 3.4), each outcome of a part write: new, the same bytes again (a no-op), other bytes
// (part_conflict), over the quota (quota_exceeded, nothing kept); a body with and without Content-Length.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type Account, expectStatus, newAccount, type ServerProcess, startServer } from './harness.js';

const QUOTA = 400_000;
let server: ServerProcess;
let acc: Account;

before(async () => {
  server = await startServer(['--quota', String(QUOTA)]);
  acc = await newAccount(server.url);
});
after(async () => { await server.stop(); });

test('a part again is a no-op, other bytes conflict, over the quota nothing is kept', async () => {
  const path = `drive/${acc.user}/blobs/${randomBytes(16).toString('hex')}/1`;
  const id = String((await expectStatus(acc.client.post('/v1/uploads', { path }), 201)).json()['id']);
  const part0 = randomBytes(100_000);
  const part1 = randomBytes(50_000);
  await expectStatus(acc.client.put(`/v1/uploads/${id}/0`, part0), 204);
  await expectStatus(acc.client.put(`/v1/uploads/${id}/0`, part0), 204);
  const conflict = await expectStatus(acc.client.put(`/v1/uploads/${id}/0`, randomBytes(100_000)), 409);
  assert.equal(conflict.json()['error'], 'part_conflict');
  const over = await expectStatus(acc.client.put(`/v1/uploads/${id}/1`, randomBytes(QUOTA)), 413);
  assert.equal(over.json()['error'], 'quota_exceeded');
  // sent chunked: no Content-Length, read up to the limit
  await expectStatus(acc.client.put(`/v1/uploads/${id}/1`, part1, { chunked: true }), 204);
  const state = (await expectStatus(acc.client.get(`/v1/uploads/${id}`), 200)).json();
  assert.deepEqual((state['parts'] as { k: number; size: number }[]).map((p) => [p.k, p.size]),
    [[0, part0.length], [1, part1.length]]);
  await expectStatus(acc.client.post(`/v1/uploads/${id}/commit`, { parts: 2, size: part0.length + part1.length }),
    201);
  const blob = await expectStatus(acc.client.get(`/v1/o/${path}`), 200);
  assert.ok(blob.body.equals(Buffer.concat([part0, part1])));
  // The quota was charged once per stored part: what is left takes a part of nearly all the rest, not more.
  const used = part0.length + part1.length;
  const next = `drive/${acc.user}/blobs/${randomBytes(16).toString('hex')}/1`;
  const id2 = String((await expectStatus(acc.client.post('/v1/uploads', { path: next }), 201)).json()['id']);
  await expectStatus(acc.client.put(`/v1/uploads/${id2}/0`, randomBytes(QUOTA - used - 20_000)), 204);
  await expectStatus(acc.client.put(`/v1/uploads/${id2}/1`, randomBytes(20_000)), 413);
});
