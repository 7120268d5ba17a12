// Checks of sharing, trust and Drive (docs/SPEC.md sections 16-18) through the JS package, with the store played by
// the test and assumed malicious; and the replay of vectors/drive.json, sharing.json and directory.json entries that
// are not envelopes. Plain ES module shared by node (test/node) and Chromium (test/browser).
import { assert, CheckFailure, heapContains, hex, throwsCodeSync as throwsCode, toHex, u64 } from './checks.mjs';

function sameBytes(a, b) {
  return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Disposes everything it was given, last first, whatever happens. */
function scope() {
  const held = [];
  return {
    keep(h) {
      held.push(h);
      return h;
    },
    close() {
      for (const h of held.reverse()) h?.dispose?.();
    },
  };
}

function id(byte) {
  return new Uint8Array(16).fill(byte);
}

/** A user: account, self contact, its record as the store keeps it, its trust store. */
function newUser(lib, s, byte) {
  const me = { userId: id(byte), secrets: s.keep(lib.generateAccountSecrets()) };
  const record = s.keep(lib.DirectoryRecord.make(me, { created: 1700000000 })).bytes;
  return { me, self: s.keep(lib.TrustedContact.self(me)), record, trust: s.keep(lib.TrustStore.create()) };
}

/**
 * Alice shares a document with bob through a simulated store: records, trust on first use, access list, wraps, the
 * envelope. Returns what the store holds and what bob needs to read, for the checks to tamper with.
 */
function shareDocument(lib, s) {
  const alice = newUser(lib, s, 0xa1);
  const bob = newUser(lib, s, 0xb0);
  const store = { records: new Map([[toHex(alice.me.userId), alice.record], [toHex(bob.me.userId), bob.record]]) };
  const fetchRecord = (userId) => s.keep(lib.DirectoryRecord.verify(store.records.get(toHex(userId))));
  assert(alice.trust.observe(fetchRecord(bob.me.userId)) === 'pinned_first', 'alice pins bob');
  assert(bob.trust.observe(fetchRecord(alice.me.userId)) === 'pinned_first', 'bob pins alice');

  const doc = { documentId: id(0xd0), purpose: 'document' };
  const bobContact = s.keep(alice.trust.checkSharable(bob.me.userId));
  const access = s.keep(lib.AccessList.make(alice.me, doc, 1, 1, [bob.me.userId]));
  const key = s.keep(lib.ContentKey.generate());
  const [selfWrap, bobWrap] = lib.wrapContentKeyToMany(alice.me, [alice.self, bobContact], access, key);
  const context = { objectId: 'doc-1', revision: 1, keyVersion: access.keyVersion };
  store.access = access.bytes;
  store.wraps = { [toHex(alice.me.userId)]: selfWrap, [toHex(bob.me.userId)]: bobWrap };
  store.envelope = lib.sealDocument(key, context, new TextEncoder().encode('hello bob'));

  /** Bob reads from the store: the access list with alice's trusted identity, his wrap, the envelope. */
  const bobReads = (wrap = store.wraps[toHex(bob.me.userId)], pin = { revision: 1n, keyVersion: 1 }) => {
    const r = scope();
    try {
      const owner = r.keep(bob.trust.checkSharable(alice.me.userId));
      const list = r.keep(lib.AccessList.open(store.access, owner, doc, pin));
      const sender = r.keep(bob.trust.checkSharable(lib.wrapSender(wrap)));
      const opened = lib.openContentWrap(wrap, bob.me, list, sender);
      r.keep(opened.key);
      assert(opened.keyVersion === list.keyVersion, 'key version of the wrap');
      return new TextDecoder().decode(lib.openDocument(opened.key, { ...context, keyVersion: opened.keyVersion },
        store.envelope));
    } finally {
      r.close();
    }
  };
  return { alice, bob, bobContact, doc, access, key, store, context, bobReads };
}

/** The one flow Chromium runs too: alice shares, bob reads; a wrap swapped by the store fails with wrong_context. */
export function sharingFlowCheck(lib) {
  return {
    name: 'sharing: alice shares a document key with bob through the store; a swapped wrap is wrong_context',
    run: () => {
      const s = scope();
      try {
        const { alice, store, bobReads } = shareDocument(lib, s);
        assert(bobReads() === 'hello bob', 'bob reads the document');
        throwsCode(lib, () => bobReads(store.wraps[toHex(alice.me.userId)]), 'wrong_context', 'alice\'s wrap to bob');
      } finally {
        s.close();
      }
    },
  };
}

export function sharingChecks(lib, { internals } = {}) {
  const list = [sharingFlowCheck(lib)];
  const check = (name, run) => list.push({
    name,
    run: () => {
      const s = scope();
      try {
        run(s);
      } finally {
        s.close();
      }
    },
  });

  check('sharing: a tampered wrap, a rollback, members removed and re-encryption', (s) => {
    const { alice, bob, bobContact, access, key, store, context, bobReads } = shareDocument(lib, s);
    const tampered = store.wraps[toHex(bob.me.userId)].slice();
    tampered[300] ^= 1;
    throwsCode(lib, () => bobReads(tampered), 'signature_invalid', 'a flipped ciphertext byte');
    throwsCode(lib, () => bobReads(tampered.subarray(0, 1000)), 'wrap_invalid', 'a truncated wrap');
    assert(sameBytes(lib.wrapSender(store.wraps[toHex(bob.me.userId)]), alice.me.userId), 'wrapSender');
    const single = lib.wrapContentKey(alice.me, bobContact, access, key);
    assert(single.length === 1314 && bobReads(single) === 'hello bob', 'a single wrap opens');

    const added = s.keep(access.addMembers(alice.me, [id(0xc0)]));
    assert(added.revision === 2n && added.keyVersion === 1 && added.members.length === 3, 'addMembers');
    const { key: key2, access: access2 } = access.rotate(alice.me, [bob.me.userId]);
    s.keep(key2);
    s.keep(access2);
    assert(access2.keyVersion === 2 && access2.revision === 2n && !access2.isMember(bob.me.userId), 'rotate');
    assert(access2.pin.keyVersion === 2, 'pin');
    throwsCode(lib, () => lib.wrapContentKey(alice.me, bobContact, access2, key2), 'not_a_member', 'wrap to bob');
    throwsCode(lib, () => bobReads(undefined, access2.pin), 'key_version_rollback', 'the old list after v2');
    const re = lib.reencryptDocument(store.envelope, key, context, key2, 2, 2);
    const text = new TextDecoder().decode(lib.openDocument(key2, { objectId: 'doc-1', revision: 2, keyVersion: 2 }, re));
    assert(text === 'hello bob', 're-encrypted under v2');
    throwsCode(lib, () => lib.openDocument(key, { objectId: 'doc-1', revision: 2, keyVersion: 2 }, re), 'wrong_key',
      'the old key on re-encrypted content');
  });

  check('trust: a substituted key blocks sharing until the safety number matches; refusal; persistence', (s) => {
    const { alice, bob } = shareDocument(lib, s);
    const mallory = newUser(lib, s, 0xb0);  // bob's user id, another identity
    throwsCode(lib, () => alice.trust.observe(s.keep(lib.DirectoryRecord.verify(mallory.record))), 'trust_mismatch',
      'a substituted record');
    throwsCode(lib, () => alice.trust.checkSharable(bob.me.userId), 'trust_mismatch', 'sharing with a pending key');
    const [contact] = alice.trust.contacts();
    s.keep(contact.pinned);
    s.keep(contact.pending);
    assert(contact.state === 'unknown' && contact.pending !== undefined, 'pending recorded');
    assert(sameBytes(contact.pinned.bytes, bob.record) && sameBytes(contact.pending.bytes, mallory.record),
      'pinned and pending records');
    const reloaded = s.keep(lib.TrustStore.parse(alice.trust.encode()));
    throwsCode(lib, () => reloaded.checkSharable(bob.me.userId), 'trust_mismatch', 'after parse');
    const broken = alice.trust.encode();
    broken[5] ^= 1;
    throwsCode(lib, () => lib.TrustStore.parse(broken), 'record_invalid', 'a corrupted trust store');

    const shown = alice.trust.safetyNumber(bob.me.userId, alice.self);
    const real = bob.trust.safetyNumber(alice.me.userId, bob.self);
    assert(/^(\d{5} ){11}\d{5}$/.test(real), `safety number format: ${real}`);
    assert(shown !== real, 'the pending key shows another number');
    const pair = lib.safetyNumber(s.keep(lib.DirectoryRecord.verify(alice.record)),
      s.keep(lib.DirectoryRecord.verify(bob.record)));
    assert(pair === real, 'safetyNumber of the two records');
    const aliceKeys = s.keep(lib.TrustedContact.fromKeys({ userId: alice.me.userId,
      identityPublicKey: s.keep(lib.DirectoryRecord.verify(alice.record)).identityPublicKey, generation: 1 }));
    assert(lib.safetyNumber(aliceKeys, bob.self) === real && aliceKeys.suitePublicKey === undefined, 'fromKeys');
    lib.checkSafetyNumber(bob.self, aliceKeys, real.replaceAll(' ', ''));
    throwsCode(lib, () => lib.checkSafetyNumber(bob.self, aliceKeys, shown), 'trust_mismatch', 'checkSafetyNumber');
    throwsCode(lib, () => lib.wrapContentKey(bob.me, aliceKeys, s.keep(lib.AccessList.make(bob.me,
      { documentId: id(9), purpose: 'file' }, 1, 1, [alice.me.userId])), s.keep(lib.ContentKey.generate())),
    'invalid_argument', 'wrapping to a signatures-only contact');
    throwsCode(lib, () => alice.trust.verify(bob.me.userId, real, alice.self), 'trust_mismatch', 'the real number');
    throwsCode(lib, () => alice.trust.verify(bob.me.userId, '123', alice.self), 'invalid_argument', 'a short number');
    // The user compares with mallory out of band and accepts: the pending record becomes pinned and verified.
    alice.trust.verify(bob.me.userId, shown.replaceAll(' ', '-'), alice.self);
    const accepted = s.keep(alice.trust.checkSharable(bob.me.userId));
    assert(accepted.identityGeneration === 1 && accepted.suiteVersion === 1, 'contact fields');
    const [after] = alice.trust.contacts();
    s.keep(after.pinned);
    assert(after.state === 'verified' && after.pending === undefined, 'verified');
    alice.trust.refuse(bob.me.userId);
    throwsCode(lib, () => alice.trust.checkSharable(bob.me.userId), 'user_refused', 'refused');
    throwsCode(lib, () => alice.trust.checkSharable(id(0x77)), 'not_found', 'unknown');

    const record = s.keep(lib.DirectoryRecord.verify(bob.record));
    assert(sameBytes(record.userId, bob.me.userId) && record.identityGeneration === 1 && record.suiteVersion === 1 &&
      record.created === 1700000000n && record.previousIdentityPublicKey === undefined &&
      record.suitePublicKey.length === 1216 && record.identityPublicKey.length === 32, 'record fields');
    const bad = bob.record.slice();
    bad[bad.length - 100] ^= 1;
    throwsCode(lib, () => lib.DirectoryRecord.verify(bad), 'signature_invalid', 'a forged record');
  });

  check('drive: a folder listed, a file read by its node key, a node moved by the store', (s) => {
    const rootContent = s.keep(lib.ContentKey.generate());
    const rootKey = s.keep(lib.NodeKey.fromContentKey(rootContent));
    const [rootId, docsId, fileId] = [id(1), id(2), id(3)];
    const docsKey = s.keep(lib.NodeKey.generate());
    const fileKey = s.keep(lib.NodeKey.generate());
    const docsRecord = lib.makeNodeRecord(rootId, rootKey, 'folder', docsId, docsKey, { name: 'Documents' });
    const fileRecord = lib.makeNodeRecord(rootId, rootKey, 'file', fileId, fileKey,
      { name: 'notes 📝.txt', size: 5, revision: 3, mediaType: 'text/plain', created: 10, modified: 20n });
    throwsCode(lib, () => lib.makeNodeRecord(rootId, rootKey, 'folder', docsId, docsKey, { name: 'a/b' }),
      'invalid_argument', 'a name with a slash');
    const nodes = lib.listFolder(rootId, rootKey, [docsRecord, fileRecord]);
    nodes.forEach((n) => s.keep(n));
    assert(nodes.length === 2 && nodes[0].kind === 'folder' && nodes[0].name === 'Documents', 'folder node');
    const file = nodes[1];
    assert(file.kind === 'file' && file.name === 'notes 📝.txt' && file.size === 5n && file.revision === 3n &&
      file.mediaType === 'text/plain' && file.created === 10n && file.modified === 20n, 'file node fields');
    assert(sameBytes(file.id, fileId) && sameBytes(file.parentId, rootId), 'ids');
    assert(sameBytes(file.nameHash, lib.nameHash(rootKey, 'notes 📝.txt')), 'name hash');

    const content = s.keep(lib.driveFileKey(s.keep(file.key())));
    const context = lib.driveFileContext(file.id, file.revision);
    assert(context.objectId === `coffre-drive/${'03'.repeat(16)}` && context.keyVersion === 1 &&
      context.revision === 3n, `drive context ${JSON.stringify({ ...context, revision: String(context.revision) })}`);
    const enc = s.keep(new lib.FileEncryptor(content, context));
    const ct = new Uint8Array([...enc.update(new TextEncoder().encode('hello')), ...enc.finish()]);
    const dec = s.keep(new lib.FileDecryptor(content, context));
    const pt = new Uint8Array([...dec.update(ct), ...dec.finish()]);
    assert(new TextDecoder().decode(pt) === 'hello', 'drive file content');
    const other = s.keep(lib.driveFileKey(docsKey));
    throwsCode(lib, () => {
      const d = s.keep(new lib.FileDecryptor(other, context));
      d.update(ct);
      d.finish();
    }, 'wrong_key', 'another node\'s file key');

    const moved = file.move(docsId, docsKey, 'renamed.txt');
    const reopened = s.keep(lib.openNodeRecord(docsId, docsKey, moved));
    assert(reopened.name === 'renamed.txt' && sameBytes(reopened.parentId, docsId), 'moved node');
    throwsCode(lib, () => lib.openNodeRecord(rootId, rootKey, moved), 'node_binding_invalid',
      'the new record served under the old parent');
    throwsCode(lib, () => lib.openNodeRecord(docsId, docsKey, fileRecord), 'node_binding_invalid',
      'the old record served under the new parent');
    throwsCode(lib, () => lib.listFolder(rootId, rootKey, [docsRecord, fileRecord, moved]), 'node_binding_invalid',
      'a listing with a node moved in');
    throwsCode(lib, () => lib.listFolder(rootId, rootKey, [docsRecord, docsRecord]), 'node_binding_invalid',
      'a duplicate');
    const asContent = s.keep(rootKey.toContentKey());
    assert(sameBytes(asContent.export(), rootContent.export()), 'node key as a content key');
  });

  if (internals) {
    check('wasm heap: no content key, node key or seed left behind once the handles are disposed', (s) => {
      const { bob, store, access, key } = shareDocument(lib, s);
      const keyBytes = key.export();
      const wrap = store.wraps[toHex(bob.me.userId)];
      const sender = s.keep(bob.trust.checkSharable(lib.wrapSender(wrap)));
      lib.openContentWrap(wrap, bob.me, access, sender).key.dispose();
      const seed = new Uint8Array(32).fill(0x5a);
      lib.accountSecretsFromSeeds({ identitySeed: seed, generation: 1, suiteSeeds: [seed.map((x) => x ^ 0xff)] })
        .dispose();
      const nodeBytes = new Uint8Array(32).fill(0x3c);
      const nodeKey = lib.NodeKey.fromBytes(nodeBytes);
      lib.driveFileKey(nodeKey).dispose();
      nodeKey.dispose();
      key.dispose();
      assert(!heapContains(internals, keyBytes), 'content key bytes found in the wasm heap');
      assert(!heapContains(internals, seed), 'identity seed found in the wasm heap');
      assert(!heapContains(internals, nodeBytes), 'node key found in the wasm heap');
    });
  }

  return list;
}

// ---------------------------------------------------------------------------------------------------------------
// Vectors (vectors/README.md): the entries of drive.json, sharing.json and directory.json that are not envelopes.

function replayDriveNode(lib, v, problems) {
  const s = scope();
  try {
    const parentKey = s.keep(lib.NodeKey.fromBytes(hex(v.parent_key)));
    let node;
    try {
      node = s.keep(lib.openNodeRecord(hex(v.parent_id), parentKey, hex(v.record)));
    } catch (e) {
      if (!(e instanceof lib.CoffreError)) throw e;
      if (e.code !== v.expect) problems.push(`outcome ${e.code}, expected ${v.expect}`);
      return;
    }
    if (v.expect !== 'success') {
      problems.push(`opened, expected ${v.expect}`);
      return;
    }
    const key = s.keep(s.keep(node.key()).toContentKey()).export();
    const got = { node_id: toHex(node.id), kind: node.kind, node_key: toHex(key), name_hash: toHex(node.nameHash),
      node_name: toHex(node.nameBytes), size: node.size, revision: node.revision, media_type: node.mediaType,
      created: node.created, modified: node.modified };
    key.fill(0);
    for (const [k, want] of Object.entries(got)) {
      const expected = typeof want === 'bigint' ? u64(v[k]) : v[k];
      if (expected !== want) problems.push(`${k}: got ${want}, expected ${v[k]}`);
    }
  } finally {
    s.close();
  }
}

function replayDriveNameHash(lib, v, problems) {
  const key = lib.NodeKey.fromBytes(hex(v.parent_key));
  try {
    const h = toHex(lib.nameHash(key, hex(v.node_name)));
    if (v.expect !== 'success') problems.push(`hashed, expected ${v.expect}`);
    else if (h !== v.name_hash) problems.push(`name_hash ${h}, expected ${v.name_hash}`);
  } catch (e) {
    if (!(e instanceof lib.CoffreError)) throw e;
    if (e.code !== v.expect) problems.push(`outcome ${e.code}, expected ${v.expect}`);
  } finally {
    key.dispose();
  }
}

// A drive-file vector's key and context derivation (its ciphertext replays as a file vector).
function replayDriveFile(lib, v, problems) {
  const s = scope();
  try {
    const key = s.keep(lib.driveFileKey(s.keep(lib.NodeKey.fromBytes(hex(v.node_key))))).export();
    if (toHex(key) !== v.key) problems.push(`file key ${toHex(key)}, expected ${v.key}`);
    key.fill(0);
    const c = lib.driveFileContext(hex(v.node_id), u64(v.node_revision));
    if (c.objectId !== v.context.object_id || c.keyVersion !== v.context.key_version ||
      c.revision !== u64(v.context.revision)) {
      problems.push(`context ${c.objectId}/${c.revision}/${c.keyVersion}, expected ${JSON.stringify(v.context)}`);
    }
  } finally {
    s.close();
  }
}

// A vector's identity { user_id, identity_pk, generation }: a contact whose signatures are accepted.
function contactOf(lib, s, identity) {
  return s.keep(lib.TrustedContact.fromKeys({ userId: hex(identity.user_id), identityPublicKey: hex(identity.identity_pk),
    generation: identity.generation }));
}

function pinOf(pin) {
  return pin === null || pin === undefined ? null : { revision: u64(pin.revision), keyVersion: pin.key_version };
}

function openList(lib, s, v, pin) {
  const doc = { documentId: hex(v.document.id), purpose: ['document', 'file', 'drive-node'][v.document.purpose - 1] };
  if (doc.purpose === undefined) throw new CheckFailure(`purpose ${v.document.purpose}`);
  return s.keep(lib.AccessList.open(hex(v['access-list']), contactOf(lib, s, v.owner), doc, pin));
}

// Runs `body`; the outcome is 'success' or the CoffreError's code.
function outcomeOf(lib, body) {
  try {
    body();
    return 'success';
  } catch (e) {
    if (!(e instanceof lib.CoffreError)) throw e;
    return e.code;
  }
}

function expectOutcome(got, v, problems, what = 'outcome') {
  if (got !== v.expect) problems.push(`${what} ${got}, expected ${v.expect}`);
}

function replayAccessList(lib, v, problems) {
  const s = scope();
  try {
    let list;
    expectOutcome(outcomeOf(lib, () => { list = openList(lib, s, v, pinOf(v.pin)); }), v, problems);
    if (list === undefined || v.expect !== 'success') return;
    if (list.keyVersion !== v.key_version) problems.push(`key_version ${list.keyVersion}`);
    if (list.revision !== u64(v.revision)) problems.push(`revision ${list.revision}`);
    if (list.members.map(toHex).join(' ') !== v.members.join(' ')) problems.push('members differ');
  } finally {
    s.close();
  }
}

function replayContentWrap(lib, v, problems) {
  const s = scope();
  try {
    const list = openList(lib, s, v, null);
    const secrets = s.keep(lib.accountSecretsFromSeeds({ identitySeed: hex(v.me.identity_seed),
      generation: v.me.identity_generation, suiteSeeds: v.me.suite_keys.map((k) => hex(k.seed)) }));
    const me = { userId: hex(v.me.user_id), secrets };
    let opened;
    expectOutcome(outcomeOf(lib, () => {
      opened = lib.openContentWrap(hex(v.wrap), me, list, contactOf(lib, s, v.sender));
    }), v, problems);
    if (opened === undefined) return;
    s.keep(opened.key);
    const key = opened.key.export();
    if (toHex(key) !== v.content_key) problems.push('content_key differs');
    if (opened.keyVersion !== v.key_version) problems.push(`key_version ${opened.keyVersion}`);
    key.fill(0);
  } finally {
    s.close();
  }
}

function replayDirectoryRecord(lib, v, problems) {
  const s = scope();
  try {
    let r;
    expectOutcome(outcomeOf(lib, () => { r = s.keep(lib.DirectoryRecord.verify(hex(v.record))); }), v, problems);
    if (r === undefined || v.expect !== 'success') return;
    const got = { user_id: toHex(r.userId), identity_pk: toHex(r.identityPublicKey),
      identity_generation: r.identityGeneration, suite_version: r.suiteVersion, created: r.created };
    for (const [k, want] of Object.entries(got)) {
      const expected = typeof want === 'bigint' ? u64(v[k]) : v[k];
      if (expected !== want) problems.push(`${k}: got ${want}, expected ${v[k]}`);
    }
  } finally {
    s.close();
  }
}

function replaySafetyNumber(lib, v, problems) {
  const s = scope();
  try {
    const a = contactOf(lib, s, v.a);
    const b = contactOf(lib, s, v.b);
    expectOutcome(outcomeOf(lib, () => {
      const number = lib.safetyNumber(a, b);
      if (v.number !== undefined && number !== v.number) problems.push(`number ${number}, expected ${v.number}`);
      if (v.typed !== undefined) lib.checkSafetyNumber(a, b, v.typed);
    }), v, problems);
  } finally {
    s.close();
  }
}

function trustStep(lib, s, store, me, step, problems, digests) {
  if (step.op === 'observe') {
    const observation = store.observe(s.keep(lib.DirectoryRecord.verify(hex(step.record))));
    if (step.observation !== undefined && observation !== step.observation) {
      problems.push(`observation ${observation}, expected ${step.observation}`);
    }
  } else if (step.op === 'check_sharable') {
    const c = s.keep(store.checkSharable(hex(step.user_id)));
    const id = step.identity;
    if (id !== undefined && (toHex(c.userId) !== id.user_id || toHex(c.identityPublicKey) !== id.identity_pk ||
      c.identityGeneration !== id.generation)) {
      problems.push('check_sharable: identity differs');
    }
    if (step.suite_version !== undefined && c.suiteVersion !== step.suite_version) {
      problems.push(`suite_version ${c.suiteVersion}`);
    }
    if (step.suite_pk_sha256 !== undefined) {
      digests.push({ bytes: c.suitePublicKey, want: step.suite_pk_sha256, what: 'suite_pk_sha256' });
    }
  } else if (step.op === 'verify') {
    store.verify(hex(step.user_id), step.number, me);
  } else if (step.op === 'refuse') {
    store.refuse(hex(step.user_id));
  } else {
    problems.push(`unknown step ${step.op}`);
  }
}

function replayTrustStore(lib, v, problems, digests) {
  const s = scope();
  try {
    const me = contactOf(lib, s, v.me);
    const store = s.keep(lib.TrustStore.create());
    let last;
    v.steps.forEach((step, i) => {
      last = outcomeOf(lib, () => trustStep(lib, s, store, me, step, problems, digests));
      if (last !== step.expect) problems.push(`step ${i} (${step.op}): ${last}, expected ${step.expect}`);
    });
    expectOutcome(last, v, problems);
    const again = s.keep(lib.TrustStore.parse(store.encode()));
    for (const c of [...store.contacts(), ...again.contacts()]) s.keep(c.pinned), s.keep(c.pending);
    if (again.contacts().length !== store.contacts().length) problems.push('contacts lost by encode/parse');
  } finally {
    s.close();
  }
}

const REPLAYERS = {
  'drive-node': replayDriveNode,
  'drive-name-hash': replayDriveNameHash,
  'drive-file': replayDriveFile,
  'access-list': replayAccessList,
  'content-wrap': replayContentWrap,
  'directory-record': replayDirectoryRecord,
  'safety-number': replaySafetyNumber,
  'trust-store': replayTrustStore,
};

const kindOf = (v) => v.envelope ?? v.kind;

/** Kinds replayed only here (not as document or file envelopes). */
export function isSharingVector(v) {
  return kindOf(v) !== 'drive-file' && Object.hasOwn(REPLAYERS, kindOf(v));
}

/**
 * The replay hook of checks.mjs's replayVectors: the problems (strings) of one vector of sections 16-18, or
 * undefined if its kind is not one of them. A drive-file vector is checked here for its key and context only.
 */
export async function replaySharingVector(lib, v, sha256) {
  const replay = REPLAYERS[kindOf(v)];
  if (replay === undefined) return undefined;
  const problems = [];
  try {
    const digests = [];  // compared by hash afterwards: sha256 may be async (Web Crypto)
    replay(lib, v, problems, digests);
    for (const d of digests) {
      const h = await sha256(d.bytes);
      if (h !== d.want) problems.push(`${d.what} ${h}, expected ${d.want}`);
    }
  } catch (e) {
    problems.push(`threw ${e?.stack ?? e}`);
  }
  return problems;
}
