/**
 * @coffre/core: client-side end-to-end encryption (docs/SPEC.md), the WebAssembly build of the coffre C++ library.
 *
 *     import { Coffre, ContentKey, sealDocument, openDocument } from '@coffre/core';
 *     await Coffre.load();
 *     const key = ContentKey.generate();
 *     const context = { objectId: 'doc-42', revision: 7n, keyVersion: 1 };
 *     const envelope = sealDocument(key, context, new TextEncoder().encode('hello'));
 *     const plaintext = openDocument(key, context, envelope);
 *     key.dispose();
 *
 * Every failure is thrown as a CoffreError with the spec's `code`.
 */
import { isLoaded, type LoadOptions, loadModule, wasm } from './wasm.js';

export type { LoadOptions } from './wasm.js';
export { CoffreError, type ErrorCode } from './errors.js';
export type { Context } from './context.js';
export { ContentKey, type FileSecret } from './key.js';
export { openDocument, sealDocument } from './document.js';
export { type DataKeyContext, dataKeyWrapSize, KeyEncryptionKey, unwrapDataKey, wrapDataKey } from './kek.js';
export {
  DEFAULT_MAX_MEMLIMIT_KIB,
  DEFAULT_MAX_OPSLIMIT,
  FileDecryptor,
  FileEncryptor,
  type FileHeaderInfo,
  type FileOptions,
  inspectFileHeader,
  MIN_MEMLIMIT_KIB,
  MIN_OPSLIMIT,
  type PassphraseLimits,
  type PassphraseOptions,
} from './file.js';
export { type ByteRange, FileRangeReader } from './range.js';
export {
  type ByteSource, createDecryptTransform, createEncryptTransform, decryptStream, encryptStream,
} from './streams.js';
export type { Bytes } from './handle.js';
export {
  type AccountCreation,
  AccountSecrets,
  createAccount,
  DeviceKeys,
  type EnrollmentApproval,
  EnrollmentApprover,
  EnrollmentRequester,
  enrollmentTranscript,
  enrollWithRecovery,
  type LogDevice,
  type LogHead,
  planRevocation,
  RecoveryPhrase,
  type Revocation,
  RootKey,
  type RootWrap,
  UsedEnrollmentRequests,
  VerifiedLog,
} from './devices.js';
export {
  type AccessPin,
  AccessList,
  accountSecretsFromSeeds,
  checkSafetyNumber,
  type ContactTrust,
  DirectoryRecord,
  type DirectoryRecordOptions,
  generateAccountSecrets,
  type Observation,
  openContentWrap,
  type OwnAccount,
  type Purpose,
  reencryptDocument,
  safetyNumber,
  TrustedContact,
  type TrustState,
  TrustStore,
  wrapContentKey,
  wrapContentKeyToMany,
  wrapSender,
} from './sharing.js';
export {
  driveFileContext,
  driveFileKey,
  DriveNode,
  listFolder,
  makeNodeRecord,
  nameHash,
  NodeKey,
  type NodeKind,
  type NodeMeta,
  openNodeRecord,
} from './drive.js';
export {
  type HeadersLike,
  parseStoreRequestHeaders,
  sha256,
  type SignedStoreRequest,
  signStoreRequest,
  STORE_REQUEST_HEADERS,
  StoreRequestHeaders,
  type StoreRequestFields,
  storeRequestMessage,
  type VerifiedStoreRequest,
  verifyStoreRequest,
} from './storeRequest.js';

/** Loading the module, and the format's size constants (read from the library, never duplicated here). */
export class Coffre {
  private constructor() {}

  /**
   * Loads and initializes the WebAssembly module; call once (later calls return the same promise) before anything
   * else. Works in pages, Web Workers (module workers) and node >= 18. The page's CSP needs
   * `script-src 'self' 'wasm-unsafe-eval'`; no eval is used.
   */
  static async load(options: LoadOptions = {}): Promise<void> {
    await loadModule(options);
  }

  static get loaded(): boolean {
    return isLoaded();
  }

  /** Bytes a document envelope adds to its plaintext (102). */
  static get documentOverhead(): number {
    return wasm()._coffre_document_overhead();
  }
  /** Bytes each file chunk adds (16). */
  static get chunkOverhead(): number {
    return wasm()._coffre_chunk_overhead();
  }
  static get defaultChunkSize(): number {
    return wasm()._coffre_default_chunk_size();
  }
  static get minChunkSize(): number {
    return wasm()._coffre_min_chunk_size();
  }
  static get maxChunkSize(): number {
    return wasm()._coffre_max_chunk_size();
  }
  /** Bytes that tell a file header's size (10). */
  static get fileHeaderPrefixBytes(): number {
    return wasm()._coffre_file_header_prefix_bytes();
  }
  /** The largest file header (154, passphrase); 130 with a key. */
  static get fileHeaderMaxBytes(): number {
    return wasm()._coffre_file_header_max_bytes();
  }
}

/** Same as `Coffre.load()`. */
export function init(options: LoadOptions = {}): Promise<void> {
  return Coffre.load(options);
}
