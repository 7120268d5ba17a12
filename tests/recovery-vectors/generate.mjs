// Generates vectors/recovery.json (docs/SPEC.md section 13) independently of coffre: the phrase from the
// reference BIP-39 package (npm bip39 3.1.2, entropyToMnemonic / mnemonicToEntropy), the recovery X-Wing key from
// libsodium 1.0.22 (npm libsodium-wrappers-sumo 0.8.4: keyed crypto_generichash for the KDF,
// crypto_kem_xwing_seed_keypair).
// coffre_tests replays the file (tests/recovery_test.cpp). Deterministic: the same file on every run.
// Usage: node generate.mjs > ../../vectors/recovery.json   (scripts/generate-recovery-vectors.sh runs it)
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bip39 = require('bip39');
const sodiumModule = require('libsodium-wrappers-sumo'); // CommonJS entry: its ES module entry does not load in node
const sodium = sodiumModule.default ?? sodiumModule;
await sodium.ready;
if (sodium.sodium_version_string() !== '1.0.22') throw new Error(`libsodium ${sodium.sodium_version_string()}`);

const hex = (b) => Buffer.from(b).toString('hex');
const u32 = (n) => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const frame = (b) => Buffer.concat([u32(b.length), Buffer.from(b)]);

// SPEC section 1: KDF(K, label) = BLAKE2b-256(key = K, message = frame(label)).
const kemSeed = (entropy) =>
  sodium.crypto_generichash(32, frame(Buffer.from('coffre/v1/recovery/kem-seed', 'ascii')), entropy);

// Entropies: four patterns, then SHA-256("coffre/v1/recovery/vector" || u32(i)) (not a coffre label: test data only).
const entropies = [
  ['zero', Buffer.alloc(32, 0x00)],
  ['ff', Buffer.alloc(32, 0xff)],
  ['7f', Buffer.alloc(32, 0x7f)],
  ['80', Buffer.alloc(32, 0x80)],
];
for (let i = 0; i < 8; i++) {
  const e = createHash('sha256').update('coffre/v1/recovery/vector').update(u32(i)).digest();
  entropies.push([`sha256/${i}`, e]);
}

const vectors = [];
for (const [name, entropy] of entropies) {
  const phrase = bip39.entropyToMnemonic(hex(entropy));
  if (bip39.mnemonicToEntropy(phrase) !== hex(entropy)) throw new Error('bip39 round trip');
  const seed = kemSeed(entropy);
  const pk = sodium.crypto_kem_xwing_seed_keypair(seed).publicKey;
  vectors.push({
    name: `phrase/${name}`,
    expect: 'success',
    entropy: hex(entropy),
    phrase,
    kem_seed: hex(seed),
    kem_public_key: hex(pk),
  });
}

// Normalization (SPEC section 13): each input decodes to the entropy of the first vector built from `base`.
const nfkdSpaces = ['\u00a0', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007',
  '\u2008', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000'];
const base = vectors[4];
const words = base.phrase.split(' ');
// Full-width forms (U+FF01..U+FF5E are U+0021..U+007E shifted) and mathematical bold small letters (U+1D41A..).
const shift = (w, from, to) => [...w].map((c) => String.fromCodePoint(c.codePointAt(0) - from + to)).join('');
const fullwidth = (w) => shift(w, 0x21, 0xff01);
const mathBold = (w) => shift(w, 0x61, 0x1d41a);
const normalized = [
  ['upper-case', base.phrase.toUpperCase()],
  ['mixed-case', words.map((w, i) => (i % 2 ? w[0].toUpperCase() + w.slice(1) : w)).join(' ')],
  ['spaces', `  ${words.join('   ')}  `],
  ['tabs-newlines', `\n${words.slice(0, 12).join('\t')}\r\n${words.slice(12).join(' \t ')}\n`],
  ['all-ascii-whitespace', words.join(' \t\n\v\f\r')],
  ['nfkd-space-u00a0', words.join('\u00a0')],
  ['nfkd-spaces-all', words.map((w, i) => (i ? nfkdSpaces[(i - 1) % nfkdSpaces.length] : '') + w).join('')],
  ['nfkd-space-trailing-u3000', `${words.join(' ')} \u3000`],
  // NFKD (BIP-39's normalization) maps these compatibility characters to the ASCII letters of the list.
  ['nfkd-fullwidth-letters', words.map(fullwidth).join(' ')],
  ['nfkd-fullwidth-ideographic-spaces', words.map(fullwidth).join('\u3000')],
  ['nfkd-fullwidth-upper-case', words.map((w) => fullwidth(w.toUpperCase())).join('\u3000')],
  ['nfkd-ligature-st', words.map((w) => w.replace('st', '\ufb06')).join(' ')],
  ['nfkd-math-bold-letters', words.map((w, i) => (i % 3 ? w : mathBold(w))).join(' ')],
];
if (!normalized.find(([n]) => n === 'nfkd-ligature-st')[1].includes('\ufb06')) throw new Error('no "st" to ligate');
// The non-ASCII spaces that BIP-39's NFKD maps to U+0020, whitespace after NFKD (SPEC section 13).
for (const sp of nfkdSpaces) {
  if (sp.normalize('NFKD') !== ' ') throw new Error(`NFKD of U+${sp.codePointAt(0).toString(16)} is not a space`);
}
// The reference package takes one space (after NFKD) between words: it agrees wherever nothing else is needed.
for (const name of ['nfkd-space-u00a0', 'nfkd-spaces-all', 'nfkd-fullwidth-letters',
  'nfkd-fullwidth-ideographic-spaces', 'nfkd-ligature-st', 'nfkd-math-bold-letters']) {
  const phrase = normalized.find(([n]) => n === name)[1];
  if (bip39.mnemonicToEntropy(phrase) !== base.entropy) throw new Error(`bip39 disagrees on normalize/${name}`);
}
for (const [name, phrase] of normalized) {
  vectors.push({ name: `normalize/${name}`, expect: 'success', entropy: base.entropy, phrase });
}

// Failures: every one is recovery_phrase_invalid for coffre; the reference package rejects all but two (below).
const swapped = [...words];
let j = 1;
while (swapped[0] === swapped[j]) j++;
[swapped[0], swapped[j]] = [swapped[j], swapped[0]];
const badChecksum = [...words];
badChecksum[23] = bip39.wordlists.english[(bip39.wordlists.english.indexOf(words[23]) + 1) % 2048];
const invalid = [
  ['empty', ''],
  ['whitespace-only', ' \t\n'],
  ['23-words', words.slice(0, 23).join(' ')],
  ['25-words', [...words, words[0]].join(' ')],
  ['48-words', [...words, ...words].join(' ')],
  ['12-words-valid-bip39', `${'abandon '.repeat(11)}about`],
  ['unknown-word', [...words.slice(0, 5), 'coffre', ...words.slice(6)].join(' ')],
  ['prefix-only', words.map((w) => w.slice(0, 4)).join(' ')],
  ['word-run-together', [words[0] + words[1], ...words.slice(2), words[0]].join(' ')],
  ['swapped-words', swapped.join(' ')],
  ['bad-checksum-last-word', badChecksum.join(' ')],
  ['non-ascii-letter', [...words.slice(0, 23), words[23].slice(0, -1) + '\u00e9'].join(' ')],
  ['non-ascii-zero-width-space', words.join('\u200b')],
  ['non-ascii-line-separator', words.join('\u2028')],
  ['non-ascii-ogham-space', `${words.join(' ')} \u1680`],
  ['fullwidth-letters', [...words.slice(0, 23), 'ａｂｌｅ'].join(' ')],
  ['nul-byte', [...words.slice(0, 23), `${words[23]}\u0000`].join(' ')],
  ['comma-separated', words.join(',')],
];
// Where BIP-39 itself accepts the phrase, and why coffre does not.
// Why a vector fails though its name suggests otherwise.
const notes = {
  'fullwidth-letters': 'NFKD makes the full-width word "able", a word of the list, which fails the checksum here',
};
const bip39Accepts = {
  '12-words-valid-bip39': 'valid BIP-39 (128-bit entropy), but a recovery phrase has 24 words',
};
for (const [name, phrase] of invalid) {
  if (bip39.validateMnemonic(phrase) !== name in bip39Accepts) {
    throw new Error(`unexpected bip39 verdict on invalid/${name}`);
  }
  const v = { name: `invalid/${name}`, expect: 'recovery_phrase_invalid', phrase };
  if (name in bip39Accepts) v.note = bip39Accepts[name];
  if (name in notes) v.note = notes[name];
  vectors.push(v);
}

const doc = {
  format: 'coffre-recovery-vectors',
  title: 'Recovery phrase (docs/SPEC.md section 13): BIP-39 English, 256-bit entropy, recovery X-Wing key',
  generator:
    'tests/recovery-vectors/generate.mjs: npm bip39 3.1.2 (entropyToMnemonic) and libsodium 1.0.22 ' +
    '(libsodium-wrappers-sumo 0.8.4: crypto_generichash, crypto_kem_xwing_seed_keypair), not coffre',
  fields:
    'entropy: 32 bytes; phrase: the words (canonical: lowercase, single spaces) or an input to normalize; ' +
    'kem_seed = KDF(entropy, "coffre/v1/recovery/kem-seed"); kem_public_key = X-Wing public key of kem_seed; ' +
    'expect: success (the phrase decodes to entropy) or recovery_phrase_invalid',
  vectors,
};
process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
