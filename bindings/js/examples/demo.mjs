// The main job's WebAssembly half: the same Docs snapshot and Drive file as the native demo, through @coffre/core in
// node, printing what a server would store. Exits non-zero if anything is off. Run by scripts/demo.sh.
import {
  Coffre, ContentKey, CoffreError, FileDecryptor, FileEncryptor, FileRangeReader, inspectFileHeader, openDocument,
  sealDocument,
} from '../dist/index.js';

const hex = (b, n = 24) => Buffer.from(b.subarray(0, n)).toString('hex') + (b.length > n ? '...' : '');
const text = new TextEncoder();
function expect(cond, what) {
  if (!cond) {
    console.error(`wasm demo: ${what}`);
    process.exit(1);
  }
}
function contains(bytes, needle) {
  return Buffer.from(bytes).includes(Buffer.from(needle));
}

await Coffre.load();
const key = ContentKey.generate();

// Docs: a snapshot sealed under the document's content key, bound to its id, revision and key version.
const docContext = { objectId: 'docs:7c1e0b', revision: 12n, keyVersion: 1 };
const snapshot = text.encode('{"title":"Conseil municipal","blocks":["Ordre du jour: budget 2027"]}');
const envelope = sealDocument(key, docContext, snapshot);
console.log(`Docs (wasm): snapshot of ${docContext.objectId}, revision 12`);
console.log(`  server stores              ${envelope.length} bytes: ${hex(envelope)}`);
expect(!contains(envelope, 'budget'), 'plaintext visible in the envelope');
console.log(`  opened by a member:        ${new TextDecoder().decode(openDocument(key, docContext, envelope))}`);
try {
  openDocument(key, { ...docContext, revision: 13n }, envelope);
  expect(false, 'a replayed revision opened');
} catch (e) {
  expect(e instanceof CoffreError && e.code === 'wrong_context', `unexpected error ${e}`);
  console.log(`  replayed as revision 13:   ${e.code}`);
}

// Drive: a file streamed in 1 MiB pieces.
const fileContext = { objectId: 'drive:file/91ab', revision: 1n, keyVersion: 1 };
const data = text.encode('Drive file contents. '.repeat(238096));
const enc = new FileEncryptor(key, fileContext);
const parts = [];
for (let off = 0; off < data.length; off += 1 << 20) parts.push(enc.update(data.subarray(off, off + (1 << 20))));
parts.push(enc.finish());
const ciphertext = Buffer.concat(parts);
const header = inspectFileHeader(ciphertext);
console.log(`\nDrive (wasm): a ${data.length}-byte file ${fileContext.objectId}`);
console.log(`  server stores              ${ciphertext.length} bytes: ${hex(ciphertext)}`);
console.log(`  public header fields:      chunk size ${header.chunkSize}, key version ${header.keyVersion}`);
expect(!contains(ciphertext, 'Drive file'), 'plaintext visible in the file');

// The final chunk first: it authenticates the size the server gave.
const last = FileRangeReader.finalChunkRange(ciphertext, ciphertext.length);
const reader = new FileRangeReader(ciphertext.subarray(0, header.headerSize), ciphertext.length,
  ciphertext.subarray(last.begin, last.end), key, fileContext);
const range = { begin: 3000000, end: 3000042 };
const want = reader.ciphertextRange(range);
const slice = reader.read(range, ciphertext.subarray(want.begin, want.end));
console.log(`  range [3000000, 3000042):  fetched ${want.end - want.begin} of ${ciphertext.length} bytes: ` +
  `"${new TextDecoder().decode(slice)}"`);
expect(Buffer.from(slice).equals(Buffer.from(data.subarray(range.begin, range.end))), 'range differs');
reader.dispose();

const dec = new FileDecryptor(key, fileContext);
const plain = Buffer.concat([dec.update(ciphertext), dec.finish()]);
expect(dec.endedProperly && plain.equals(Buffer.from(data)), 'file round trip failed');
console.log('  decrypted by a member:     identical, stream ended properly');

ciphertext[ciphertext.length >> 1] ^= 1;
try {
  const bad = new FileDecryptor(key, fileContext);
  bad.update(ciphertext);
  bad.finish();
  expect(false, 'a tampered file decrypted');
} catch (e) {
  expect(e instanceof CoffreError && e.code === 'chunk_invalid', `unexpected error ${e}`);
  console.log(`  one bit flipped by server: ${e.code} after ${e.released?.length ?? 0} authentic bytes released`);
}
key.dispose();
console.log('\nwasm demo: ok');
