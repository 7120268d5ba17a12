// The replay window under load (STORE.md section 2, step 4): nonces that arrive together are recorded together
// (auth/nonces.ts), and one signed request sent many times at once, to two server processes on one database, still
// runs exactly once; distinct requests in the same batches all run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type Account, expectStatus, newAccount, type Response, send, type ServerProcess, startServer,
} from './harness.js';

const FAST = ['--rate', '100000', '--burst', '100000'];
let one: ServerProcess;
let two: ServerProcess;
let alice: Account;

before(async () => {
  [one, two] = await Promise.all([startServer(FAST), startServer(FAST)]);
  alice = await newAccount(one.url);
});
after(async () => { await Promise.all([one.stop(), two.stop()]); });

const target = (a: Account): string => `/v1/o/accounts/${a.user}/log/0.entry`;

test('one signed request sent 40 times at once to two processes runs once; 40 others with it all run', async () => {
  const replayed = alice.client.signedHeaders('GET', target(alice), Buffer.alloc(0));
  const bases = [one.url, two.url];
  // A request first on each process, so that the copies arrive while its nonce commits and are recorded together.
  const fresh: Promise<Response>[] = bases.map((base) => alice.client.on(base).get(target(alice)));
  const copies: Promise<Response>[] = [];
  for (let i = 0; i < 40; i++) {
    const base = bases[i % 2]!;
    copies.push(send(base, 'GET', target(alice), Buffer.alloc(0), replayed));
    fresh.push(alice.client.on(base).get(target(alice)));
  }
  const answers = await Promise.all(copies);
  assert.equal(answers.filter((r) => r.status === 200).length, 1, answers.map((r) => r.status).join(' '));
  for (const r of answers.filter((c) => c.status !== 200)) {
    assert.equal(r.status, 401);
    assert.equal(r.json()['error'], 'request_replayed');
  }
  for (const r of await Promise.all(fresh)) assert.equal(r.status, 200, r.body.toString());
});

test('a replayed read gets request_replayed, not what was read: a blob stream, a missing object, a listing', async () => {
  const path = `drive/${alice.user}/blobs/${'ab'.repeat(16)}/1`;
  const id = String((await expectStatus(alice.client.post('/v1/uploads', { path }), 201)).json()['id']);
  const content = Buffer.alloc(300_000, 7);
  await expectStatus(alice.client.put(`/v1/uploads/${id}/0`, content), 204);
  await expectStatus(alice.client.post(`/v1/uploads/${id}/commit`, { parts: 1, size: content.length }), 201);
  for (const [target, first] of [[`/v1/o/${path}`, 200], [`/v1/o/accounts/${alice.user}/state/99.sealed`, 404],
    [`/v1/list/drive/${alice.user}/blobs`, 200]] as const) {
    await expectStatus(alice.client.get(target), first);
    const again = await send(one.url, 'GET', target, Buffer.alloc(0), alice.client.last);
    assert.equal(again.status, 401, target);
    assert.equal(again.json()['error'], 'request_replayed');
    assert.equal(again.headers['etag'], undefined);
    assert.ok(again.body.length < 1000);
  }
});
