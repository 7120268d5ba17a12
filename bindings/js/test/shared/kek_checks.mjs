// Checks of data-key wraps under a key-encryption key (docs/SPEC.md section 21) through the JS package: a KEK from
// the application's bytes, a file's data key wrapped and unwrapped, each refusal as a CoffreError code, argument
// checks, and no key left in the module's heap. Plain ES module; vectors/kek_wrap.json is replayed by checks.mjs.
import { assert, heapContains, throwsCodeSync as throwsCode } from './checks.mjs';

function sameBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const CONTEXT = { label: 'invoices/2026', keyId: 'projects/p/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1' };

// Runs fn(kek, dataKey) with a KEK imported from random bytes and a new data key, disposing both afterwards.
function withKeys(lib, fn) {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const kek = lib.KeyEncryptionKey.fromBytes(raw);
  const dataKey = lib.ContentKey.generate();
  try {
    return fn(kek, dataKey, raw);
  } finally {
    kek.dispose();
    dataKey.dispose();
  }
}

export function kekChecks(lib, { internals } = {}) {
  return [
    {
      name: 'kek: a data key wrapped under a KEK unwraps to the same key; each wrap has its own nonce',
      run() {
        withKeys(lib, (kek, dataKey, raw) => {
          assert(lib.KeyEncryptionKey.size === 32 && lib.dataKeyWrapSize() === 125, 'sizes');
          assert(sameBytes(kek.export(), raw), 'export gives the imported bytes');
          const wrapped = lib.wrapDataKey(kek, dataKey, CONTEXT);
          assert(wrapped.length === 125, `wrap size ${wrapped.length}`);
          assert(!sameBytes(wrapped, lib.wrapDataKey(kek, dataKey, CONTEXT)), 'two wraps are identical');
          const opened = lib.unwrapDataKey(kek, wrapped, CONTEXT);
          try {
            assert(sameBytes(opened.export(), dataKey.export()), 'unwrapped key differs');
          } finally {
            opened.dispose();
          }
          // A string label is its UTF-8 bytes; an ArrayBuffer wrap is accepted; no key id is the empty one.
          const w = lib.wrapDataKey(kek, dataKey, { label: 'é' });
          lib.unwrapDataKey(kek, w.buffer, { label: new Uint8Array([0xc3, 0xa9]), keyId: '' }).dispose();
        });
      },
    },
    {
      name: 'kek: another KEK, label or key id, altered, cut or extended bytes are refused with their codes',
      run() {
        withKeys(lib, (kek, dataKey) => {
          const wrapped = lib.wrapDataKey(kek, dataKey, CONTEXT);
          const other = lib.KeyEncryptionKey.generate();
          try {
            throwsCode(lib, () => lib.unwrapDataKey(other, wrapped, CONTEXT), 'wrong_key', 'another KEK');
          } finally {
            other.dispose();
          }
          throwsCode(lib, () => lib.unwrapDataKey(kek, wrapped, { ...CONTEXT, label: 'invoices/2027' }),
            'wrong_context', 'another label');
          throwsCode(lib, () => lib.unwrapDataKey(kek, wrapped, { label: CONTEXT.label }), 'wrong_context',
            'no key id');
          const altered = wrapped.slice();
          altered[124] ^= 1;
          throwsCode(lib, () => lib.unwrapDataKey(kek, altered, CONTEXT), 'wrap_invalid', 'altered tag');
          throwsCode(lib, () => lib.unwrapDataKey(kek, wrapped.subarray(0, 124), CONTEXT), 'truncated', 'cut');
          const longer = new Uint8Array(126);
          longer.set(wrapped);
          throwsCode(lib, () => lib.unwrapDataKey(kek, longer, CONTEXT), 'trailing_data', 'extended');
        });
      },
    },
    {
      name: 'kek: arguments (empty or long label, non-key objects, a disposed KEK, 31 bytes) are invalid_argument',
      run() {
        withKeys(lib, (kek, dataKey) => {
          const wrapped = lib.wrapDataKey(kek, dataKey, CONTEXT);
          throwsCode(lib, () => lib.wrapDataKey(kek, dataKey, { label: '' }), 'invalid_argument', 'empty label');
          throwsCode(lib, () => lib.wrapDataKey(kek, dataKey, { label: 'x'.repeat(1025) }), 'invalid_argument',
            '1025-byte label');
          throwsCode(lib, () => lib.unwrapDataKey(kek, wrapped, { label: 7 }), 'invalid_argument', 'label 7');
          throwsCode(lib, () => lib.unwrapDataKey(kek, wrapped), 'invalid_argument', 'no context');
          throwsCode(lib, () => lib.wrapDataKey(dataKey, dataKey, CONTEXT), 'invalid_argument', 'a ContentKey as KEK');
          throwsCode(lib, () => lib.wrapDataKey(kek, kek, CONTEXT), 'invalid_argument', 'a KEK as data key');
          throwsCode(lib, () => lib.KeyEncryptionKey.fromBytes(new Uint8Array(31)), 'invalid_argument', '31 bytes');
          const gone = lib.KeyEncryptionKey.generate();
          gone.dispose();
          assert(gone.disposed, 'disposed');
          throwsCode(lib, () => lib.unwrapDataKey(gone, wrapped, CONTEXT), 'invalid_argument', 'a disposed KEK');
        });
      },
    },
    {
      name: 'kek: once disposed, neither the KEK nor the data key is left in the module heap',
      run() {
        if (internals === undefined) return;
        const raw = crypto.getRandomValues(new Uint8Array(32));
        const keyBytes = crypto.getRandomValues(new Uint8Array(32));
        const kek = lib.KeyEncryptionKey.fromBytes(raw);
        const dataKey = lib.ContentKey.fromBytes(keyBytes);
        const wrapped = lib.wrapDataKey(kek, dataKey, CONTEXT);
        lib.unwrapDataKey(kek, wrapped, CONTEXT).dispose();
        kek.dispose();
        dataKey.dispose();
        assert(!heapContains(internals, raw), 'KEK bytes found in the wasm heap after dispose()');
        assert(!heapContains(internals, keyBytes), 'data key bytes found in the wasm heap after dispose()');
      },
    },
  ];
}
