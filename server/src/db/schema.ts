// The database schema, applied at every start (idempotent: CREATE ... IF NOT EXISTS), one statement list per
// version. Every server process runs it under an advisory lock, so several processes may start at once.

/** Migration n brings the schema from version n to n + 1. Append new migrations; never edit an applied one. */
export const MIGRATIONS: readonly string[] = [
  `
  -- Accounts: a claim (the key that may write under accounts/<user>/ until the genesis), the log's length and head,
  -- and the bytes charged to the account.
  CREATE TABLE IF NOT EXISTS accounts (
    user_id     bytea PRIMARY KEY CHECK (length(user_id) = 16),
    claim_key   bytea,
    claimed_at  timestamptz,
    log_length  bigint NOT NULL DEFAULT 0,
    head_hash   bytea,
    quota_used  bigint NOT NULL DEFAULT 0
  );

  -- Every signing key a verified log ever enrolled (written with each accepted append), so that a revoked device is
  -- told device_revoked, and any other key device_not_enrolled. The verified log stays the authority.
  CREATE TABLE IF NOT EXISTS device_keys (
    sign_pk     bytea NOT NULL,
    user_id     bytea NOT NULL,
    device_id   bytea NOT NULL,
    revoked     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (sign_pk, user_id)
  );

  -- Objects: one row each; a blob's bytes are its parts (blob_parts, by upload id). log_seq is set for log entries.
  CREATE TABLE IF NOT EXISTS objects (
    path        text COLLATE "C" PRIMARY KEY,
    owner       bytea,
    kind        text NOT NULL,
    size        bigint NOT NULL,
    etag        text NOT NULL,
    bytes       bytea,
    blob_id     uuid,
    log_seq     bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
  );
  ALTER TABLE objects ALTER COLUMN bytes SET STORAGE EXTERNAL;
  CREATE INDEX IF NOT EXISTS objects_log ON objects (owner, log_seq) WHERE log_seq IS NOT NULL;
  CREATE INDEX IF NOT EXISTS objects_kind_created ON objects (kind, created_at);

  -- Resumable uploads and their parts. Parts stay (same blob_id) once the upload is committed as a blob.
  CREATE TABLE IF NOT EXISTS uploads (
    id          uuid PRIMARY KEY,
    path        text COLLATE "C" NOT NULL,
    owner       bytea NOT NULL,
    touched_at  timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS blob_parts (
    blob_id     uuid NOT NULL,
    k           integer NOT NULL,
    size        integer NOT NULL,
    sha256      bytea NOT NULL,
    offset_in   bigint,
    bytes       bytea NOT NULL,
    PRIMARY KEY (blob_id, k)
  );
  -- Ciphertext does not compress: store it out of line, uncompressed, so that substring() reads only what it needs.
  ALTER TABLE blob_parts ALTER COLUMN bytes SET STORAGE EXTERNAL;

  -- The Drive tree's edges, derived from record paths (drive/<owner>/nodes/<parent>/<tag>/<node>.node).
  CREATE TABLE IF NOT EXISTS drive_edges (
    owner       bytea NOT NULL,
    node        bytea NOT NULL,
    parent      bytea NOT NULL,
    path        text COLLATE "C" NOT NULL PRIMARY KEY
  );
  CREATE INDEX IF NOT EXISTS drive_edges_node ON drive_edges (owner, node);

  -- Request nonces seen within the replay window (pruned).
  CREATE TABLE IF NOT EXISTS nonces (
    sign_pk     bytea NOT NULL,
    nonce       bytea NOT NULL,
    seen_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sign_pk, nonce)
  );
  CREATE INDEX IF NOT EXISTS nonces_seen ON nonces (seen_at);

  -- Invite tokens (server flag --invite): each creates one account.
  CREATE TABLE IF NOT EXISTS invites (
    token       text PRIMARY KEY,
    used_by     bytea,
    used_at     timestamptz
  );
  `,
  `
  -- Name claims by the node id they hold (drive/<owner>/names/...: 16 bytes): the write right of a new node's blob,
  -- uploaded before its record (STORE.md section 4).
  CREATE INDEX IF NOT EXISTS objects_claims ON objects (owner, bytes) WHERE kind = 'name';
  `,
];
