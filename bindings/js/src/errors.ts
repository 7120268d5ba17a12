/** The closed set of error codes of docs/SPEC.md section 7 (the vectors' `expect` classes, minus `success`). */
export type ErrorCode =
  | 'invalid_argument'
  | 'bad_magic'
  | 'wrong_envelope_type'
  | 'unsupported_version'
  | 'unsupported_suite'
  | 'malformed_header'
  | 'wrong_key'
  | 'wrong_context'
  | 'header_tampered'
  | 'payload_invalid'
  | 'chunk_invalid'
  | 'chunk_out_of_order'
  | 'chunk_duplicated'
  | 'truncated'
  | 'trailing_data'
  | 'empty_chunk'
  | 'range_out_of_bounds'
  | 'bad_state'
  | 'io_error'
  | 'out_of_memory'
  | 'public_key_invalid'
  | 'kem_ciphertext_invalid'
  | 'signature_invalid'
  | 'log_rollback'
  | 'log_fork'
  | 'log_broken_chain'
  | 'log_invalid'
  | 'device_not_enrolled'
  | 'enrollment_expired'
  | 'enrollment_replayed'
  | 'enrollment_invalid'
  | 'recovery_phrase_invalid'
  | 'not_found'
  | 'already_exists'
  | 'wrap_invalid'
  | 'trust_mismatch'
  | 'user_refused'
  | 'not_a_member'
  | 'key_version_rollback'
  | 'node_binding_invalid'
  | 'record_invalid'
  | 'device_revoked'
  | 'identity_superseded'
  | 'device_unexpected'
  | 'operation_incomplete'
  | 'kdf_cost_exceeded'
  | 'armor_invalid'
  | 'unknown';

/**
 * Every failure of the library. `code` is the spec's snake_case code, `status` its numeric value (the C ABI's
 * COFFRE_E_*). The message never contains keys, passphrases or plaintext.
 */
export class CoffreError extends Error {
  override readonly name = 'CoffreError';
  readonly code: ErrorCode;
  readonly status: number;
  /**
   * Streaming decryption only: the plaintext released by this call before the failure. It authenticated, so it is
   * genuine, but the file is incomplete: never treat it as the whole file.
   */
  readonly released: Uint8Array;

  /** @internal */
  constructor(status: number, code: ErrorCode, message: string, released?: Uint8Array) {
    super(message);
    this.status = status;
    this.code = code;
    this.released = released ?? new Uint8Array(0);
  }
}

/** Numeric statuses used on the JS side (docs/SPEC.md section 7). */
export const Status = {
  ok: 0,
  invalid_argument: 1,
  range_out_of_bounds: 17,
  bad_state: 18,
  out_of_memory: 20,
} as const;
