// Requests the server refuses (issue 9): unsigned, expired, replayed, bad signatures, revoked devices, another
// account's device, writes under another account, oversized bodies, malformed paths, bad JSON.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { planRevocation } from '@coffre/core';
import {
  type Account, anonymous, enrollDevice, expectStatus, hex, newAccount, type Response, type ServerProcess,
  startServer,
} from './harness.js';

let server: ServerProcess;
let alice: Account;
let bob: Account;

before(async () => {
  server = await startServer();
  alice = await newAccount(server.url);
  bob = await newAccount(server.url);
});
after(async () => { await server.stop(); });

function refused(r: Response, status: number, error: string): void {
  assert.equal(r.status, status, r.body.toString());
  const body = r.json();
  assert.equal(body['error'], error, r.body.toString());
  assert.ok('code' in body && typeof body['message'] === 'string');
}

const logPath = (a: Account): string => `/v1/o/accounts/${a.user}/log/0.entry`;

test('unsigned, expired, bad signature, replayed: 401', async () => {
  refused(await alice.client.get(logPath(alice), { unsigned: true }), 401, 'unauthenticated');
  const partial = await alice.client.get(logPath(alice), { headers: {}, unsigned: true });
  refused(partial, 401, 'unauthenticated');
  refused(await alice.client.get(logPath(alice), { time: BigInt(Math.floor(Date.now() / 1000) - 301) }), 401,
    'request_expired');
  refused(await alice.client.get(logPath(alice), { time: BigInt(Math.floor(Date.now() / 1000) + 400) }), 401,
    'request_expired');
  refused(await alice.client.get(logPath(alice), { badSignature: true }), 401, 'signature_invalid');
  // A signature over another target does not verify for this one.
  const h = alice.client.signedHeaders('GET', `/v1/o/accounts/${bob.user}/log/0.entry`, Buffer.alloc(0));
  refused(await alice.client.get(logPath(alice), { unsigned: true, headers: h }), 401, 'signature_invalid');
  // Replay: the same headers twice.
  const ok = await expectStatus(alice.client.get(logPath(alice)), 200);
  assert.ok(ok.body.length > 0);
  refused(await alice.client.get(logPath(alice), { unsigned: true, headers: alice.client.last }), 401,
    'request_replayed');
});

test('signed by a revoked device, or by another account\'s device: 403', async () => {
  const phone = await enrollDevice(alice);
  await expectStatus(phone.client.get(`/v1/o/accounts/${alice.user}/state/1.sealed`), 200);
  const plan = planRevocation(alice.log, alice.secrets, alice.device, phone.device.id);
  const a = `accounts/${alice.user}`;
  const epoch = alice.log.rootEpoch + 1;
  await expectStatus(alice.client.create(`${a}/state/${epoch}.sealed`, plan.sealedState), 201);
  for (const w of plan.wraps) await expectStatus(alice.client.create(`${a}/wraps/${epoch}/${hex(w.recipientId)}.wrap`, w.wrap), 201);
  await expectStatus(alice.client.create(`${a}/log/${alice.log.head.seq + 1n}.entry`, plan.entry), 201);
  alice.log = plan.log;
  alice.secrets = plan.secrets;
  alice.root = plan.root;
  refused(await phone.client.get(`/v1/o/${a}/state/1.sealed`), 403, 'device_revoked');
  // Bob's device claiming to act for Alice.
  refused(await bob.client.as(alice.user).get(`/v1/o/${a}/state/1.sealed`), 403, 'device_not_enrolled');
});

test('writes under another account: 403 forbidden', async () => {
  const b = `accounts/${bob.user}`;
  refused(await alice.client.create(`${b}/pins/1/1.pins`, 'x'), 403, 'forbidden');
  refused(await alice.client.create(`drive/${bob.user}/root`, 'x'.repeat(16)), 403, 'forbidden');
  refused(await alice.client.put(`/v1/o/directory/${bob.user}.record`, 'x'), 403, 'forbidden');
  refused(await alice.client.get(`/v1/o/${b}/state/1.sealed`), 403, 'forbidden');
  refused(await anonymous(server.url).create(`${b}/pins/1/1.pins`, 'x'), 403, 'forbidden');
});

test('oversized bodies: 413 before the body is read, and while it streams', async () => {
  const p = `/v1/o/enroll/${'ab'.repeat(16)}/request`;
  const c = anonymous(server.url);
  // Declared too large: refused from the header alone (only 10 bytes are ever sent).
  refused(await c.request('PUT', p, { body: 'x'.repeat(10), declaredLength: (1 << 20) + 1,
    headers: { 'if-none-match': '*' } }), 413, 'too_large');
  // Chunked, no length: counted while streaming.
  refused(await c.request('PUT', p, { body: Buffer.alloc((1 << 20) + 70000), chunked: true,
    headers: { 'if-none-match': '*' } }), 413, 'too_large');
  refused(await anonymous(server.url).get(`/v1/o/${p.slice(6)}`), 404, 'not_found');
  // JSON bodies over 4 KiB.
  refused(await alice.client.post('/v1/uploads', { path: 'x'.repeat(5000) }), 413, 'too_large');
  // Exactly at the limit is fine.
  await expectStatus(c.request('PUT', p, { body: Buffer.alloc(1 << 20), headers: { 'if-none-match': '*' } }), 201);
});

test('malformed paths: 400 bad_path', async () => {
  const c = alice.client;
  const a = `accounts/${alice.user}`;
  for (const target of [
    `/v1/o/${a}/../${bob.user}/state/1.sealed`,
    `/v1/o/${a}/./log/0.entry`,
    `/v1/o/${a}/log/0.entry%00`,
    `/v1/o/${a}/log/%2e%2e/0.entry`,
    `/v1/o/${a}//log/0.entry`,
    `/v1/o/accounts/${alice.user.toUpperCase()}/log/0.entry`,
    `/v1/o/${a}/log/00.entry`,
    `/v1/o/${a}/log/0.entry/`,
    `/v1/o/${a}/unknown/1`,
    `/v1/o/docs/${alice.user}/${'a'.repeat(32)}/4/access/current`,
    `/v1/o/${a}/log/${'9'.repeat(600)}.entry`,
    `/v1/list/${a}/${'a'.repeat(600)}`,
    '/v1/o/',
  ]) {
    refused(await c.get(target), 400, 'bad_path');
  }
});

test('bad JSON, content mismatch, bad conditions: 400', async () => {
  refused(await alice.client.post('/v1/uploads', '{"path": '), 400, 'bad_request');
  refused(await alice.client.post('/v1/uploads', '[1]'), 400, 'bad_request');
  refused(await alice.client.post('/v1/uploads', { path: 1 }), 400, 'bad_request');
  refused(await alice.client.post('/v1/uploads', { path: `drive/${alice.user}/root` }), 400, 'bad_path');
  // The body differs from the signed hash.
  const p = `/v1/o/enroll/${'cd'.repeat(16)}/request`;
  const h = alice.client.signedHeaders('PUT', p, Buffer.from('signed bytes'));
  refused(await alice.client.request('PUT', p, { unsigned: true, body: 'other bytes',
    headers: { ...h, 'if-none-match': '*' } }), 400, 'content_mismatch');
  refused(await anonymous(server.url).get(p.replace('/v1/o/', '/v1/o/')), 404, 'not_found');
  refused(await alice.client.request('PUT', p, { body: 'x', headers: { 'if-match': 'nope' } }), 400, 'bad_request');
});
