// Concurrency (issue 9): 20 clients appending to one account's log at once, spread over two server processes on one
// database (no fork; every accepted append in order; every loser told log_conflict and succeeding on retry); 20
// parallel uploads.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  type Account, approveNewDevice, Client, expectStatus, fetchLog, hex, newAccount, type ServerProcess, startServer,
} from './harness.js';

const FAST = ['--rate', '100000', '--burst', '100000'];
let one: ServerProcess;
let two: ServerProcess;

before(async () => {
  [one, two] = await Promise.all([startServer(FAST), startServer(FAST)]);
});
after(async () => { await Promise.all([one.stop(), two.stop()]); });

test('20 clients append to one log at once over two server processes: no fork, losers retry', async () => {
  const acc = await newAccount(one.url);
  const outcomes: string[] = [];
  const added: string[] = [];
  async function appender(i: number): Promise<void> {
    const c: Client = acc.client.on(i % 2 === 0 ? one.url : two.url);
    for (let attempt = 0; attempt < 100; attempt++) {
      const { log } = await fetchLog(c, acc.user);
      const { device, entry, wrap } = approveNewDevice(acc, log);
      await expectStatus(c.create(`accounts/${acc.user}/wraps/${log.rootEpoch}/${hex(device.id)}.wrap`, wrap), 201);
      const r = await c.create(`accounts/${acc.user}/log/${log.head.seq + 1n}.entry`, entry);
      if (r.status === 201) {
        outcomes.push('created');
        added.push(hex(device.id));
        return;
      }
      assert.equal(r.status, 409, r.body.toString());
      const body = r.json();
      assert.equal(body['error'], 'log_conflict');
      assert.ok(Number(body['length']) > Number(log.head.seq) + 1, 'the conflict names a longer log');
      outcomes.push('conflict');
    }
    assert.fail('no success after 100 attempts');
  }
  await Promise.all(Array.from({ length: 20 }, (_, i) => appender(i)));
  assert.equal(outcomes.filter((o) => o === 'created').length, 20);
  assert.ok(outcomes.includes('conflict'), 'the clients did race');
  // Both servers serve the same verified log: the genesis and 20 add-device entries, each device once.
  for (const url of [one.url, two.url]) {
    const { entries, log } = await fetchLog(acc.client.on(url), acc.user);
    assert.equal(entries.length, 21);
    const ids = new Set(log.devices.map((d) => hex(d.id)));
    for (const id of added) assert.ok(ids.has(id));
    assert.equal(log.devices.length, 21);
  }
});

test('20 parallel uploads in parts, spread over two processes; ranges read only what they cover', async () => {
  const acc: Account = await newAccount(one.url);
  const PART = 200_000;
  async function upload(i: number): Promise<void> {
    const c = acc.client.on(i % 2 === 0 ? one.url : two.url);
    const other = acc.client.on(i % 2 === 0 ? two.url : one.url);
    const node = randomBytes(16).toString('hex');
    const path = `drive/${acc.user}/blobs/${node}/1`;
    const content = randomBytes(PART * 2 + 12345 + i);
    const up = await expectStatus(c.post('/v1/uploads', { path }), 201);
    const id = String(up.json()['id']);
    const parts = [content.subarray(0, PART), content.subarray(PART, 2 * PART), content.subarray(2 * PART)];
    // parts in any order, through either process
    await Promise.all(parts.map((p, k) => expectStatus((k % 2 ? c : other).put(`/v1/uploads/${id}/${k}`, p), 204)));
    await expectStatus(c.get(`/v1/o/${path}`), 404);
    await expectStatus(c.post(`/v1/uploads/${id}/commit`, { parts: 3, size: content.length }), 201);
    const whole = await expectStatus(other.get(`/v1/o/${path}`), 200);
    assert.ok(whole.body.equals(content));
    const from = PART - 10;
    const to = 2 * PART + 10;
    const range = await expectStatus(c.get(`/v1/o/${path}`, { headers: { range: `bytes=${from}-${to}` } }), 206);
    assert.ok(range.body.equals(content.subarray(from, to + 1)));
    assert.equal(range.headers['content-range'], `bytes ${from}-${to}/${content.length}`);
  }
  await Promise.all(Array.from({ length: 20 }, (_, i) => upload(i)));
  const list = await expectStatus(acc.client.get(`/v1/list/drive/${acc.user}/blobs`), 200);
  assert.equal((list.json()['names'] as string[]).length, 20);
});
