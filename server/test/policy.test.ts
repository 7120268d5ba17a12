// Who may do what (docs/STORE.md section 4), each rule allowed and refused; log appends verified by the library;
// account creation (claims, --invite); directory records checked against the log; members and Drive readers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { AccessList, AccountSecrets, DirectoryRecord, enrollWithRecovery, RootKey } from '@coffre/core';
import {
  type Account, anonymous, approveNewDevice, Client, expectStatus, hex, newAccount, type Response,
  plantObject, RECOVERY_ID, type ServerProcess, startServer,
} from './harness.js';
import { DeviceKeys } from '@coffre/core';

let server: ServerProcess;
let alice: Account;
let bob: Account;
let carol: Account;

before(async () => {
  server = await startServer();
  [alice, bob, carol] = [await newAccount(server.url), await newAccount(server.url), await newAccount(server.url)];
});
after(async () => { await server.stop(); });

function is(r: Response, status: number, error?: string): void {
  assert.equal(r.status, status, r.body.toString());
  if (error !== undefined) assert.equal(r.json()['error'], error);
}
const id = (): string => randomBytes(16).toString('hex');

test('log: any signer reads; appends verified by coffre\'s verifier (422 with the library error); never deleted', async () => {
  const a = `accounts/${alice.user}`;
  is(await anonymous(server.url).get(`/v1/o/${a}/log/0.entry`), 200);
  is(await anonymous(server.url).get(`/v1/log/${alice.user}`), 200);
  const seq = alice.log.head.seq + 1n;
  // Garbage, an entry for the wrong position (a fork of the chain), and another account's entry.
  is(await alice.client.create(`${a}/log/${seq}.entry`, randomBytes(1600)), 422, 'log_invalid');
  const first = approveNewDevice(alice);
  const second = approveNewDevice(alice);
  is(await alice.client.create(`${a}/log/${seq}.entry`, first.entry), 201);
  const forked = await alice.client.create(`${a}/log/${seq + 1n}.entry`, second.entry);
  assert.equal(forked.status, 422, forked.body.toString());
  assert.equal(typeof forked.json()['code'], 'number');
  alice.log = alice.log.verifyAppended([first.entry]);
  const bobs = approveNewDevice(bob);
  assert.equal((await alice.client.create(`${a}/log/${seq + 1n}.entry`, bobs.entry)).status, 422);
  // Wrong seq: 409 log_conflict with the length; a plain PUT: create_only; another account's device: 403.
  const c = await alice.client.create(`${a}/log/${seq + 5n}.entry`, second.entry);
  is(c, 409, 'log_conflict');
  assert.equal(c.json()['length'], Number(seq) + 1);
  is(await alice.client.put(`/v1/o/${a}/log/${seq + 1n}.entry`, second.entry), 409, 'create_only');
  is(await bob.client.create(`accounts/${bob.user}/log/1.entry`, approveNewDevice(alice).entry), 422);
  is(await alice.client.del(`/v1/o/${a}/log/0.entry`), 403, 'forbidden');
});

test('account state: its devices read and write, create only; current epoch never deleted, a later one may be', async () => {
  const a = `accounts/${alice.user}`;
  is(await alice.client.get(`/v1/o/${a}/state/1.sealed`), 200);
  is(await bob.client.get(`/v1/o/${a}/state/1.sealed`), 403, 'forbidden');
  is(await alice.client.create(`${a}/state/1.sealed`, 'x'), 412, 'exists');
  is(await alice.client.del(`/v1/o/${a}/state/1.sealed`), 403);
  is(await alice.client.del(`/v1/o/${a}/wraps/1/${hex(alice.device.id)}.wrap`), 403);
  is(await alice.client.create(`${a}/state/2.sealed`, 'x'), 201);
  is(await alice.client.del(`/v1/o/${a}/state/2.sealed`), 204);
  // A wrap of the current epoch to a device the log does not hold (an approval that lost the race).
  is(await alice.client.create(`${a}/wraps/1/${id()}.wrap`, 'w'), 201);
  is(await alice.client.create(`${a}/pins/1/1.pins`, 'p'), 201);
  is(await bob.client.get(`/v1/o/${a}/pins/1/1.pins`), 403);
  is(await alice.client.get(`/v1/list/${a}/wraps/1`), 200);
  is(await bob.client.get(`/v1/list/${a}/wraps/1`), 403);
  is(await anonymous(server.url).get(`/v1/list/${a}/log`), 200);
  is(await anonymous(server.url).get('/v1/list/accounts'), 403);
});

test('account creation: claims; with --invite a token per account', async () => {
  // Another key cannot write under an account being created.
  const dev = DeviceKeys.generate();
  const user = id();
  const claimer = new Client(server.url, dev, user);
  is(await claimer.create(`accounts/${user}/state/1.sealed`, 's'), 201);
  is(await anonymous(server.url).as(user).create(`accounts/${user}/state/2.sealed`, 's'), 403, 'forbidden');
  is(await claimer.get(`/v1/o/accounts/${user}/state/1.sealed`), 200);
  // A claimant is no device of another account.
  is(await claimer.create(`drive/${user}/root`, 'x'.repeat(16)), 403);

  const token = id();
  const invited = await startServer(['--invite', '--add-invite', token]);
  try {
    await assert.rejects(newAccount(invited.url), /invite_required/);
    await assert.rejects(newAccount(invited.url, { invite: id() }), /invite_required/);
    await newAccount(invited.url, { invite: token });
    await assert.rejects(newAccount(invited.url, { invite: token }), /invite_required/);
  } finally {
    await invited.stop();
  }
});

test('enrollment mailbox: any signer, create only; directory records checked against the log', async () => {
  const box = `enroll/${id()}`;
  const stranger = anonymous(server.url);
  is(await stranger.create(`${box}/request`, 'r'), 201);
  is(await stranger.put(`/v1/o/${box}/request`, 'r2'), 409, 'create_only');
  is(await anonymous(server.url).get(`/v1/o/${box}/request`), 200);
  // The pending requests' ids: any signer lists them (`device approve` without an id); no other top level.
  const listed = await expectStatus(anonymous(server.url).get('/v1/list/enroll'), 200);
  assert.ok((listed.json().names as string[]).includes(box.slice('enroll/'.length)), 'the request is listed');
  is(await anonymous(server.url).get('/v1/list/directory'), 403);

  const record = DirectoryRecord.make({ userId: Buffer.from(alice.user, 'hex'), secrets: alice.secrets });
  is(await alice.client.put(`/v1/o/directory/${alice.user}.record`, record.bytes), 201);
  is(await stranger.get(`/v1/o/directory/${alice.user}.record`), 200);
  is(await alice.client.put(`/v1/o/directory/${alice.user}.record`, randomBytes(1445)), 422);
  const bobsRecord = DirectoryRecord.make({ userId: Buffer.from(bob.user, 'hex'), secrets: bob.secrets });
  is(await alice.client.put(`/v1/o/directory/${alice.user}.record`, bobsRecord.bytes), 422, 'record_invalid');
  // A record with keys the log does not state (another account's secrets under Alice's id).
  const forged = DirectoryRecord.make({ userId: Buffer.from(alice.user, 'hex'), secrets: bob.secrets });
  is(await alice.client.put(`/v1/o/directory/${alice.user}.record`, forged.bytes), 422, 'record_invalid');
  // Compare-and-swap on the ETag.
  const current = await alice.client.get(`/v1/o/directory/${alice.user}.record`);
  is(await alice.client.put(`/v1/o/directory/${alice.user}.record`, record.bytes,
    { headers: { 'if-match': `"${'0'.repeat(64)}"` } }), 412, 'precondition_failed');
  is(await alice.client.put(`/v1/o/directory/${alice.user}.record`, record.bytes,
    { headers: { 'if-match': String(current.headers['etag']) } }), 204);
});

test('documents: members read the access list, recipients their wrap; only the owner writes', async () => {
  const doc = id();
  const d = `docs/${alice.user}/${doc}/2`;
  const list = AccessList.make({ userId: Buffer.from(alice.user, 'hex'), secrets: alice.secrets },
    { documentId: Buffer.from(doc, 'hex'), purpose: 'file' }, 1, 1, [Buffer.from(bob.user, 'hex')]);
  is(await bob.client.put(`/v1/o/${d}/access/current`, list.bytes), 403);
  is(await alice.client.put(`/v1/o/${d}/wraps/1/${bob.user}.wrap`, 'wrap'), 201);
  is(await alice.client.put(`/v1/o/${d}/access/1.access`, list.bytes), 201);
  is(await alice.client.put(`/v1/o/${d}/access/current`, list.bytes), 201);
  is(await bob.client.get(`/v1/o/${d}/access/current`), 200);
  is(await carol.client.get(`/v1/o/${d}/access/current`), 403);
  is(await bob.client.get(`/v1/o/${d}/wraps/1/${bob.user}.wrap`), 200);
  is(await carol.client.get(`/v1/o/${d}/wraps/1/${bob.user}.wrap`), 403);
  is(await bob.client.get(`/v1/list/${d}/access`), 200);
  // A list that does not open with the owner's identity (here: bytes signed for another document) is refused...
  const otherDoc = id();
  const other = `docs/${alice.user}/${otherDoc}/2`;
  is(await alice.client.put(`/v1/o/${other}/access/current`, list.bytes), 422, 'wrong_context');
  is(await alice.client.put(`/v1/o/${d}/access/2.access`, list.bytes), 422, 'wrong_context');  // key version 1
  // ... and, planted in the database, gives nothing.
  const otherList = AccessList.make({ userId: Buffer.from(alice.user, 'hex'), secrets: alice.secrets },
    { documentId: Buffer.from(otherDoc, 'hex'), purpose: 'file' }, 1, 1, [Buffer.from(bob.user, 'hex')]);
  is(await alice.client.put(`/v1/o/${other}/access/current`, otherList.bytes), 201);
  is(await bob.client.get(`/v1/o/${other}/access/current`), 200);
  await plantObject(`${other}/access/current`, list.bytes);
  is(await bob.client.get(`/v1/o/${other}/access/current`), 403);
});

test('documents: a removed member still reads the lists (the versions it held); other accounts do not', async () => {
  const doc = id();
  const d = `docs/${alice.user}/${doc}/2`;
  const owner = { userId: Buffer.from(alice.user, 'hex'), secrets: alice.secrets };
  const ctx = { documentId: Buffer.from(doc, 'hex'), purpose: 'file' as const };
  const v1 = AccessList.make(owner, ctx, 1, 1, [Buffer.from(bob.user, 'hex'), Buffer.from(carol.user, 'hex')]);
  const v2 = AccessList.make(owner, ctx, 2, 2, [Buffer.from(bob.user, 'hex')]);
  is(await alice.client.put(`/v1/o/${d}/access/1.access`, v1.bytes), 201);
  is(await alice.client.put(`/v1/o/${d}/wraps/1/${carol.user}.wrap`, 'wrap'), 201);
  is(await alice.client.put(`/v1/o/${d}/access/2.access`, v2.bytes), 201);
  is(await alice.client.put(`/v1/o/${d}/access/current`, v2.bytes), 201);
  // Carol, removed in version 2, opens content of version 1: her client reads current (its pin) and 1.access.
  is(await carol.client.get(`/v1/o/${d}/access/current`), 200);
  is(await carol.client.get(`/v1/o/${d}/access/1.access`), 200);
  is(await carol.client.get(`/v1/o/${d}/wraps/1/${carol.user}.wrap`), 200);
  // ... never a write, and never more than the lists and her own wraps.
  is(await carol.client.put(`/v1/o/${d}/access/current`, v1.bytes), 403);
  is(await carol.client.get(`/v1/o/${d}/wraps/1/${bob.user}.wrap`), 403);
  // An account no list of the document names: nothing, whether the object exists or not.
  const dave = await newAccount(server.url);
  is(await dave.client.get(`/v1/o/${d}/access/current`), 403, 'forbidden');
  is(await dave.client.get(`/v1/o/${d}/access/1.access`), 403, 'forbidden');
  is(await dave.client.get(`/v1/o/${d}/access/9.access`), 403, 'forbidden');
  is(await dave.client.get(`/v1/list/${d}/access`), 403);
  // A version's list that does not open as this document's (another document's, planted) names nobody.
  const otherDoc = id();
  const other = `docs/${alice.user}/${otherDoc}/2`;
  const otherV1 = AccessList.make(owner, { documentId: Buffer.from(otherDoc, 'hex'), purpose: 'file' }, 1, 1,
    [Buffer.from(carol.user, 'hex')]);
  is(await alice.client.put(`/v1/o/${other}/access/1.access`, otherV1.bytes), 201);
  is(await carol.client.get(`/v1/o/${other}/access/1.access`), 200);
  await plantObject(`${other}/access/1.access`, v1.bytes);
  is(await carol.client.get(`/v1/o/${other}/access/1.access`), 403, 'forbidden');
  is(await carol.client.get(`/v1/o/${other}/access/current`), 403, 'forbidden');
});

test('drive: the owner\'s devices; members of a shared folder read and write below it, nowhere else', async () => {
  const dr = `drive/${alice.user}`;
  const [root, shared, inner, file, outside] = [id(), id(), id(), id(), id()];
  const tag = id();
  is(await alice.client.create(`${dr}/root`, Buffer.from(root, 'hex')), 201);
  is(await alice.client.put(`/v1/o/${dr}/root`, Buffer.from(root, 'hex')), 409, 'create_only');
  is(await bob.client.get(`/v1/o/${dr}/root`), 403);
  for (const [parent, node] of [[root, shared], [shared, inner], [inner, file], [root, outside]]) {
    is(await alice.client.put(`/v1/o/${dr}/nodes/${parent}/${tag}/${node}.node`, `record ${node}`), 201);
  }
  const list = AccessList.make({ userId: Buffer.from(alice.user, 'hex'), secrets: alice.secrets },
    { documentId: Buffer.from(shared, 'hex'), purpose: 'drive-node' }, 1, 1, [Buffer.from(bob.user, 'hex')]);
  is(await bob.client.get(`/v1/list/${dr}/nodes/${shared}/${tag}`), 403);
  is(await alice.client.put(`/v1/o/docs/${alice.user}/${shared}/3/access/current`, list.bytes), 201);
  is(await alice.client.put(`/v1/o/shared/${bob.user}/${alice.user}.${shared}`, ''), 201);
  is(await bob.client.get(`/v1/o/shared/${bob.user}/${alice.user}.${shared}`), 200);
  is(await carol.client.get(`/v1/o/shared/${bob.user}/${alice.user}.${shared}`), 403);
  is(await bob.client.get(`/v1/list/shared/${bob.user}`), 200);
  // Bob reads and writes inside the shared folder (two levels down)...
  is(await bob.client.get(`/v1/list/${dr}/nodes/${shared}/${tag}`), 200);
  is(await bob.client.get(`/v1/o/${dr}/nodes/${inner}/${tag}/${file}.node`), 200);
  // A new file (SPEC 15.3: claim, content, record): its blob is uploaded before its record places it; the claim
  // under a folder Bob reads lets him, as long as no record places the node elsewhere.
  const [fresh, hidden] = [id(), id()];
  is(await bob.client.create(`${dr}/names/${inner}/${tag}/${'ab'.repeat(32)}`, Buffer.from(fresh, 'hex')), 201);
  is(await bob.client.post('/v1/uploads', { path: `${dr}/blobs/${fresh}/1` }), 201);
  is(await alice.client.create(`${dr}/names/${outside}/${tag}/${'cd'.repeat(32)}`, Buffer.from(hidden, 'hex')), 201);
  is(await bob.client.post('/v1/uploads', { path: `${dr}/blobs/${hidden}/1` }), 403);
  is(await bob.client.create(`${dr}/names/${inner}/${tag}/${'ef'.repeat(32)}`, Buffer.from(outside, 'hex')), 201);
  is(await bob.client.post('/v1/uploads', { path: `${dr}/blobs/${outside}/1` }), 403);
  const up = await expectStatus(bob.client.post('/v1/uploads', { path: `${dr}/blobs/${file}/1` }), 201);
  is(await bob.client.put(`/v1/uploads/${up.json()['id']}/0`, 'content'), 204);
  is(await bob.client.post(`/v1/uploads/${up.json()['id']}/commit`, { parts: 1, size: 7 }), 201);
  is(await alice.client.get(`/v1/o/${dr}/blobs/${file}/1`), 200);
  // ... but not the folder's siblings, the root, or the owner's re-keying journals; Carol nothing.
  is(await bob.client.get(`/v1/o/${dr}/nodes/${root}/${tag}/${outside}.node`), 403);
  is(await bob.client.put(`/v1/o/${dr}/nodes/${outside}/${tag}/${id()}.node`, 'x'), 403);
  is(await bob.client.post('/v1/uploads', { path: `${dr}/blobs/${outside}/1` }), 403);
  is(await bob.client.put(`/v1/o/${dr}/rekey/${id()}`, 'j'), 403);
  is(await alice.client.put(`/v1/o/${dr}/rekey/${id()}`, 'j'), 201);
  is(await carol.client.get(`/v1/o/${dr}/nodes/${inner}/${tag}/${file}.node`), 403);
  is(await carol.client.get(`/v1/o/${dr}/blobs/${file}/1`), 403);
  // Moving the file out of the shared folder (record removed there): Bob loses it.
  is(await alice.client.put(`/v1/o/${dr}/nodes/${outside}/${tag}/${file}.node`, 'moved'), 201);
  is(await alice.client.del(`/v1/o/${dr}/nodes/${inner}/${tag}/${file}.node`), 204);
  is(await bob.client.get(`/v1/o/${dr}/blobs/${file}/1`), 403);
  // Tree deletion is all or nothing: Bob may not delete the root's listing.
  is(await bob.client.del(`/v1/tree/${dr}/nodes/${root}`), 403);
  is(await alice.client.get(`/v1/o/${dr}/nodes/${root}/${tag}/${outside}.node`), 200);
  is(await alice.client.del(`/v1/tree/${dr}/nodes/${outside}`), 204);
  is(await alice.client.get(`/v1/o/${dr}/nodes/${outside}/${tag}/${file}.node`), 404);
});

test('quotas and rate limits', async () => {
  const small = await startServer(['--quota', '20000', '--rate', '5', '--burst', '5']);
  try {
    const acc = await newAccount(small.url);
    let limited: Response | undefined;
    for (let i = 0; i < 10 && limited === undefined; i++) {
      const r = await acc.client.get(`/v1/o/accounts/${acc.user}/log/0.entry`);
      if (r.status === 429) limited = r;
    }
    assert.ok(limited !== undefined, 'rate limited');
    is(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
  } finally {
    await small.stop();
  }
  const tight = await startServer(['--quota', '20000']);
  try {
    const acc = await newAccount(tight.url);  // about 10 KB: the genesis, the sealed state, two wraps
    is(await acc.client.create(`accounts/${acc.user}/pins/1/1.pins`, randomBytes(20000)), 413, 'quota_exceeded');
  } finally {
    await tight.stop();
  }
});

test('recovery signers: read sealed states and wraps, enroll a device with an entry they authored; nothing else', async () => {
  const acc = await newAccount(server.url);
  const rec = new Client(server.url, acc.phrase, acc.user);
  const a = `accounts/${acc.user}`;
  const sealed = await expectStatus(rec.get(`/v1/o/${a}/state/1.sealed`), 200);
  const wrap = await expectStatus(rec.get(`/v1/o/${a}/wraps/1/${RECOVERY_ID}.wrap`), 200);
  is(await rec.get(`/v1/log/${acc.user}`), 200);
  is(await rec.get(`/v1/o/${a}/pins/1/1.pins`), 403);
  is(await rec.create(`${a}/pins/1/1.pins`, 'p'), 403);
  is(await rec.create(`${a}/state/2.sealed`, 's'), 403);
  is(await rec.put(`/v1/o/directory/${acc.user}.record`, 'r'), 403);
  // An entry a device authored, sent by the recovery signer: refused.
  is(await rec.create(`${a}/log/1.entry`, approveNewDevice(acc).entry), 403, 'forbidden');
  const root = RootKey.unwrapRecovery(acc.phrase, acc.log, new Uint8Array(wrap.body));
  const secrets = AccountSecrets.open(root, acc.log, new Uint8Array(sealed.body));
  const device = DeviceKeys.generate();
  const enrolled = enrollWithRecovery(acc.phrase, acc.log, secrets, root, device, 'recovered');
  is(await rec.create(`${a}/wraps/1/${hex(device.id)}.wrap`, enrolled.wrap), 201);
  is(await rec.create(`${a}/log/1.entry`, enrolled.entry), 201);
  is(await new Client(server.url, device, acc.user).get(`/v1/o/${a}/wraps/1/${hex(device.id)}.wrap`), 200);
});
