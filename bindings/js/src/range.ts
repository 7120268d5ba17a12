// Random access (docs/SPEC.md section 5.5): decrypt any plaintext range from the header and the chunks covering it.
import { type Context, encodeContext } from './context.js';
import { Status } from './errors.js';
import { inspectFileHeader, limitArgs, type PassphraseLimits } from './file.js';
import { bytesArg } from './handle.js';
import { type FileSecret, isPassphrase, keyPointer, passphraseBytes } from './key.js';
import { check, errorFor, invalidArgument, wasm, withFrame } from './wasm.js';

/** A byte range, `end` exclusive. */
export interface ByteRange {
  begin: number;
  end: number;
}

function u64Arg(name: string, v: unknown): bigint {
  if (typeof v === 'bigint' && v >= 0n && v < 1n << 64n) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw invalidArgument(`${name} must be a non-negative integer.`);
}

function toNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw errorFor(Status.invalid_argument, undefined, 'Size exceeds 2^53 - 1.');
  return Number(v);
}

function rangeArg(range: ByteRange): [bigint, bigint] {
  if (typeof range !== 'object' || range === null) throw invalidArgument('range must be { begin, end }.');
  return [u64Arg('range.begin', range.begin), u64Arg('range.end', range.end)];
}

let registry: FinalizationRegistry<number> | undefined;

/**
 * Decrypts plaintext ranges of a file without reading all of it (e.g. with HTTP range requests). The total size the
 * server gives is not trusted: the reader first authenticates the final chunk where that size puts it, so a file cut
 * or extended at a chunk boundary is refused before any range is answered.
 *
 *     const last = FileRangeReader.finalChunkRange(firstBytes, totalSize);  // file offsets to fetch first
 *     const reader = new FileRangeReader(firstBytes, totalSize, await fetchRange(last), key, context);
 *     const want = reader.ciphertextRange({ begin: 1000, end: 2000 });      // file offsets to fetch
 *     const plain = reader.read({ begin: 1000, end: 2000 }, await fetchRange(want));
 *
 * The constructor authenticates the header and the final chunk, read() every covered chunk before any byte is
 * returned.
 */
export class FileRangeReader {
  #p: number;

  /**
   * The ciphertext bytes (file offsets, `end` exclusive) of the final chunk, which the constructor needs.
   * @param header the file's first bytes: at least its header (130 or 154 bytes).
   * @param ciphertextSize the file's total size in bytes, as the server says.
   */
  static finalChunkRange(header: Uint8Array, ciphertextSize: number | bigint): ByteRange {
    const h = bytesArg('header', header);
    const size = u64Arg('ciphertextSize', ciphertextSize);
    return withFrame((f) => {
      const b = f.alloc(8);
      const e = f.alloc(8);
      check(f.m._coffre_range_reader_final_chunk_range(f.bytes(h), h.length, size, b, e));
      return { begin: toNumber(f.u64(b)), end: toNumber(f.u64(e)) };
    });
  }

  /**
   * @param header the file's first bytes: at least its header (130 or 154 bytes; extra bytes are ignored).
   * @param ciphertextSize the file's total size in bytes.
   * @param finalChunk exactly the bytes of `FileRangeReader.finalChunkRange(header, ciphertextSize)`.
   * @param limits for a passphrase: the most Argon2id work the header may ask for (see PassphraseLimits).
   */
  constructor(header: Uint8Array, ciphertextSize: number | bigint, finalChunk: Uint8Array, secret: FileSecret,
    context: Context, limits: PassphraseLimits = {}) {
    const m = wasm();
    const h = bytesArg('header', header);
    const size = u64Arg('ciphertextSize', ciphertextSize);
    const last = bytesArg('finalChunk', finalChunk);
    const [maxOps, maxMem] = limitArgs(limits);
    const exact = h.subarray(0, inspectFileHeader(h).headerSize);
    this.#p = withFrame((f) => {
      const c = encodeContext(f, context);
      const out = f.alloc(4);
      const hp = f.bytes(exact);
      const lp = f.bytes(last);
      if (isPassphrase(secret)) {
        const pw = passphraseBytes(f, secret);
        check(m._coffre_range_reader_new_passphrase(hp, exact.length, size, lp, last.length, pw.p, pw.len, c.id,
          c.idLen, c.revision, c.keyVersion, maxOps, maxMem, out));
      } else {
        check(m._coffre_range_reader_new(hp, exact.length, size, lp, last.length, keyPointer(secret), c.id, c.idLen,
          c.revision, c.keyVersion, out));
      }
      return f.u32(out);
    });
    registry ??= new FinalizationRegistry((q) => wasm()._coffre_range_reader_free(q));
    registry.register(this, this.#p, this);
  }

  /** The file's plaintext size in bytes (authenticated). */
  get plaintextSize(): number {
    return toNumber(wasm()._coffre_range_reader_plaintext_size(this.#live()));
  }

  /**
   * The ciphertext bytes (file offsets, `end` exclusive) to fetch for a plaintext range: none (`begin === end`) for an
   * empty range. Throws range_out_of_bounds if `begin > end` or `end` is past the plaintext.
   */
  ciphertextRange(range: ByteRange): ByteRange {
    const p = this.#live();
    const [begin, end] = rangeArg(range);
    return withFrame((f) => {
      const b = f.alloc(8);
      const e = f.alloc(8);
      check(f.m._coffre_range_reader_ciphertext_range(p, begin, end, b, e));
      return { begin: toNumber(f.u64(b)), end: toNumber(f.u64(e)) };
    });
  }

  /**
   * The plaintext of `range`, from `fetched`: exactly the bytes of `ciphertextRange(range)`. All or nothing: throws
   * (chunk_invalid, ...) unless every covered chunk authenticated.
   */
  read(range: ByteRange, fetched: Uint8Array): Uint8Array {
    const p = this.#live();
    const [begin, end] = rangeArg(range);
    const ct = bytesArg('fetched', fetched);
    if (end < begin) throw errorFor(Status.range_out_of_bounds);
    const size = toNumber(end - begin);
    return withFrame((f) => {
      const out = f.alloc(size);
      check(f.m._coffre_range_reader_read(p, begin, end, f.bytes(ct), ct.length, out, size));
      return f.read(out, size);
    });
  }

  /** Wipes and frees the reader's keys. Idempotent. */
  dispose(): void {
    if (this.#p === 0) return;
    registry?.unregister(this);
    wasm()._coffre_range_reader_free(this.#p);
    this.#p = 0;
  }

  #live(): number {
    if (this.#p === 0) throw errorFor(Status.bad_state, undefined, 'This FileRangeReader was disposed.');
    return this.#p;
  }
}
