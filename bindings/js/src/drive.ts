// Drive trees (docs/SPEC.md section 18): folders and files as node records, each holding the node's key wrapped under
// its parent's key and its encrypted metadata, bound to (node id, parent id, name lookup hash). An idiomatic layer
// over the C ABI's Drive functions; nothing here does I/O.
//
//   writing:  makeNodeRecord(parentId, parentKey, 'file', nodeId, nodeKey, meta) -> bytes under the parent;
//             node.move(newParentId, newParentKey, newName) -> a new record of the same node
//   reading:  listFolder(parentId, parentKey, records) -> DriveNode[]; each folder's key opens the next level. The
//             root's key (and a shared folder's) is a section-16 content key: NodeKey.fromContentKey
//   files:    the content is a file envelope under driveFileKey(node key), driveFileContext(node id, meta revision)
import type { Context } from './context.js';
import { ContentKey, keyPointer } from './key.js';
import { bytesArg, fixed, frames, Handle, handleOf, idArg, newHandle, owned, type Ptr, u64Arg } from './handle.js';
import { check, type Exports, type Frame, invalidArgument, wasm, withFrame } from './wasm.js';

interface DriveExports extends Exports {
  _coffre_node_key_generate(out: Ptr): number;
  _coffre_node_key_from_bytes(bytes: Ptr, len: number, out: Ptr): number;
  _coffre_node_key_from_content_key(key: Ptr, out: Ptr): number;
  _coffre_node_key_to_content_key(key: Ptr, out: Ptr): number;
  _coffre_node_record_make(parent: Ptr, parentLen: number, parentKey: Ptr, kind: number, node: Ptr, nodeLen: number,
    nodeKey: Ptr, name: Ptr, nameLen: number, size: bigint, revision: bigint, media: Ptr, mediaLen: number,
    created: bigint, modified: bigint, out: Ptr, outLen: Ptr): number;
  _coffre_node_record_open(parent: Ptr, parentLen: number, parentKey: Ptr, record: Ptr, len: number,
    out: Ptr): number;
  _coffre_node_record_move(node: Ptr, parent: Ptr, parentLen: number, parentKey: Ptr, name: Ptr, nameLen: number,
    out: Ptr, outLen: Ptr): number;
  _coffre_node_id(n: Ptr, out: Ptr, len: number): number;
  _coffre_node_parent_id(n: Ptr, out: Ptr, len: number): number;
  _coffre_node_kind(n: Ptr): number;
  _coffre_node_name_hash(n: Ptr, out: Ptr, len: number): number;
  _coffre_node_name(n: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_node_media_type(n: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_node_size(n: Ptr): bigint;
  _coffre_node_revision(n: Ptr): bigint;
  _coffre_node_created(n: Ptr): bigint;
  _coffre_node_modified(n: Ptr): bigint;
  _coffre_node_key_of(n: Ptr, out: Ptr): number;
  _coffre_folder_list(parent: Ptr, parentLen: number, parentKey: Ptr, records: Ptr, len: number, threads: number,
    out: Ptr): number;
  _coffre_folder_listing_count(l: Ptr): number;
  _coffre_folder_listing_take(l: Ptr, i: number, out: Ptr): number;
  _coffre_folder_listing_free(l: Ptr): void;
  _coffre_drive_name_hash(key: Ptr, name: Ptr, nameLen: number, out: Ptr, len: number): number;
  _coffre_drive_file_key(key: Ptr, out: Ptr): number;
  _coffre_drive_file_context(node: Ptr, nodeLen: number, out: Ptr, len: number, keyVersion: Ptr): number;
}

const NODE_ID_BYTES = 16;
const NAME_HASH_BYTES = 32;
const OBJECT_ID_BYTES = 45;

function dm(f: Frame): DriveExports {
  return f.m as DriveExports;
}

function ex(): DriveExports {
  return wasm() as DriveExports;
}

const utf8 = new TextEncoder();

/** A name or media type: a string is UTF-8 encoded; bytes are taken as given (names are not normalized). */
function textArg(name: string, v: unknown): Uint8Array {
  if (typeof v === 'string') return utf8.encode(v);
  return bytesArg(name, v);
}

/** A node's 32-byte secret key. Lives in the module; dispose() wipes it. */
export class NodeKey extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_node_key_free');
  }

  static generate(): NodeKey {
    return withFrame((f) => new NodeKey(newHandle(f, (out) => dm(f)._coffre_node_key_generate(out))));
  }

  /** A key from its 32 bytes (local state). The caller should wipe its copy. */
  static fromBytes(bytes: Uint8Array): NodeKey {
    const b = bytesArg('bytes', bytes);
    return withFrame((f) => new NodeKey(newHandle(f, (out) => dm(f)._coffre_node_key_from_bytes(f.bytes(b), b.length,
      out))));
  }

  /** The root's key, or a shared folder's, as delivered by section 16 (purpose 'drive-node'). */
  static fromContentKey(key: ContentKey): NodeKey {
    const k = keyPointer(key);
    return withFrame((f) => new NodeKey(newHandle(f, (out) => dm(f)._coffre_node_key_from_content_key(k, out))));
  }

  /** @internal */
  static adopt(p: Ptr): NodeKey {
    return new NodeKey(p);
  }

  /** The same bytes as a content key, to wrap this node's key for sharing (section 16). */
  toContentKey(): ContentKey {
    const k = this.ptr();
    return withFrame((f) => ContentKey.adopt(newHandle(f, (out) => dm(f)._coffre_node_key_to_content_key(k, out))));
  }
}

export type NodeKind = 'folder' | 'file';

/** What a node record carries encrypted. size and revision are 0 for a folder. */
export interface NodeMeta {
  /** 1..255 bytes of UTF-8, no '/' or NUL, not "." or "..". */
  name: string | Uint8Array;
  /** A file's plaintext size. */
  size?: number | bigint;
  /** A file content's revision: the context of its file envelope. */
  revision?: number | bigint;
  /** 0..255 printable ASCII bytes, e.g. "text/plain". */
  mediaType?: string;
  /** Seconds since the Unix epoch. */
  created?: number | bigint;
  modified?: number | bigint;
}

/** A record opened as a child of its parent: every field authenticated. */
export class DriveNode extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_node_free');
  }

  /** @internal */
  static adopt(p: Ptr): DriveNode {
    return new DriveNode(p);
  }

  get id(): Uint8Array {
    const n = this.ptr();
    return withFrame((f) => fixed(f, NODE_ID_BYTES, (o, len) => dm(f)._coffre_node_id(n, o, len)));
  }

  get parentId(): Uint8Array {
    const n = this.ptr();
    return withFrame((f) => fixed(f, NODE_ID_BYTES, (o, len) => dm(f)._coffre_node_parent_id(n, o, len)));
  }

  get kind(): NodeKind {
    return ex()._coffre_node_kind(this.ptr()) === 1 ? 'folder' : 'file';
  }

  /** The lookup hash the store sees. */
  get nameHash(): Uint8Array {
    const n = this.ptr();
    return withFrame((f) => fixed(f, NAME_HASH_BYTES, (o, len) => dm(f)._coffre_node_name_hash(n, o, len)));
  }

  /** The name's bytes, as written (UTF-8). */
  get nameBytes(): Uint8Array {
    const n = this.ptr();
    return withFrame((f) => owned(f, (o, len) => dm(f)._coffre_node_name(n, o, len)));
  }

  get name(): string {
    return new TextDecoder().decode(this.nameBytes);
  }

  get mediaType(): string {
    const n = this.ptr();
    return new TextDecoder().decode(withFrame((f) => owned(f, (o, len) => dm(f)._coffre_node_media_type(n, o, len))));
  }

  get size(): bigint {
    return BigInt.asUintN(64, ex()._coffre_node_size(this.ptr()));
  }

  get revision(): bigint {
    return BigInt.asUintN(64, ex()._coffre_node_revision(this.ptr()));
  }

  get created(): bigint {
    return BigInt.asUintN(64, ex()._coffre_node_created(this.ptr()));
  }

  get modified(): bigint {
    return BigInt.asUintN(64, ex()._coffre_node_modified(this.ptr()));
  }

  /** A new handle on the node's key: a folder's opens its children, a file's its content (driveFileKey). */
  key(): NodeKey {
    const n = this.ptr();
    return withFrame((f) => NodeKey.adopt(newHandle(f, (out) => dm(f)._coffre_node_key_of(n, out))));
  }

  /**
   * Moving and/or renaming: a new record of this node under `newParentId` with `newName` (same id, key, subtree).
   * Delete the old record; never move a folder into its own subtree (the records alone cannot tell).
   */
  move(newParentId: Uint8Array, newParentKey: NodeKey, newName: string | Uint8Array): Uint8Array {
    const n = this.ptr();
    const parent = idArg('newParentId', newParentId);
    const key = handleOf(NodeKey, newParentKey, 'newParentKey');
    const name = textArg('newName', newName);
    return withFrame((f) => owned(f, (o, len) => dm(f)._coffre_node_record_move(n, f.bytes(parent), parent.length, key,
      f.bytes(name), name.length, o, len)));
  }
}

/**
 * A node record for `nodeId` under `parentId` (fresh nonce). invalid_argument: a name or media type breaking the
 * rules, a folder with a size or revision, nodeId equal to parentId.
 */
export function makeNodeRecord(parentId: Uint8Array, parentKey: NodeKey, kind: NodeKind, nodeId: Uint8Array,
  nodeKey: NodeKey, meta: NodeMeta): Uint8Array {
  const parent = idArg('parentId', parentId);
  const pk = handleOf(NodeKey, parentKey, 'parentKey');
  if (kind !== 'folder' && kind !== 'file') throw invalidArgument("kind must be 'folder' or 'file'.");
  const node = idArg('nodeId', nodeId);
  const nk = handleOf(NodeKey, nodeKey, 'nodeKey');
  if (typeof meta !== 'object' || meta === null) throw invalidArgument('meta must be an object.');
  const name = textArg('meta.name', meta.name);
  const media = textArg('meta.mediaType', meta.mediaType ?? '');
  const size = u64Arg('meta.size', meta.size);
  const revision = u64Arg('meta.revision', meta.revision);
  const created = u64Arg('meta.created', meta.created);
  const modified = u64Arg('meta.modified', meta.modified);
  return withFrame((f) => owned(f, (o, len) => dm(f)._coffre_node_record_make(f.bytes(parent), parent.length, pk,
    kind === 'folder' ? 1 : 2, f.bytes(node), node.length, nk, f.bytes(name), name.length, size, revision,
    f.bytes(media), media.length, created, modified, o, len)));
}

/** Opens one record as a child of (parentId, parentKey): record_invalid, node_binding_invalid. */
export function openNodeRecord(parentId: Uint8Array, parentKey: NodeKey, record: Uint8Array): DriveNode {
  const parent = idArg('parentId', parentId);
  const pk = handleOf(NodeKey, parentKey, 'parentKey');
  const r = bytesArg('record', record);
  return withFrame((f) => DriveNode.adopt(newHandle(f, (out) => dm(f)._coffre_node_record_open(f.bytes(parent),
    parent.length, pk, f.bytes(r), r.length, out))));
}

/**
 * Opens every record of a folder as the store served them: all nodes in that order, or the error of the first
 * record that fails, then node_binding_invalid if two records share a node id or a name hash.
 */
export function listFolder(parentId: Uint8Array, parentKey: NodeKey, records: readonly Uint8Array[]): DriveNode[] {
  const parent = idArg('parentId', parentId);
  const pk = handleOf(NodeKey, parentKey, 'parentKey');
  const framed = frames('records', records);
  return withFrame((f) => {
    const listing = newHandle(f, (out) => dm(f)._coffre_folder_list(f.bytes(parent), parent.length, pk,
      f.bytes(framed), framed.length, 1, out));
    try {
      const count = dm(f)._coffre_folder_listing_count(listing) >>> 0;
      return Array.from({ length: count }, (_, i) =>
        DriveNode.adopt(newHandle(f, (out) => dm(f)._coffre_folder_listing_take(listing, i, out))));
    } finally {
      dm(f)._coffre_folder_listing_free(listing);
    }
  });
}

/** The lookup hash of `name` under a folder's key (invalid_argument for a name breaking the rule). */
export function nameHash(parentKey: NodeKey, name: string | Uint8Array): Uint8Array {
  const pk = handleOf(NodeKey, parentKey, 'parentKey');
  const n = textArg('name', name);
  return withFrame((f) => fixed(f, NAME_HASH_BYTES, (o, len) => dm(f)._coffre_drive_name_hash(pk, f.bytes(n), n.length,
    o, len)));
}

/** A Drive file's content key (for the file envelope functions). */
export function driveFileKey(nodeKey: NodeKey): ContentKey {
  const k = handleOf(NodeKey, nodeKey, 'nodeKey');
  return withFrame((f) => ContentKey.adopt(newHandle(f, (out) => dm(f)._coffre_drive_file_key(k, out))));
}

/** A Drive file's envelope context: object id "coffre-drive/" + hex(node id), the content's revision, version 1. */
export function driveFileContext(nodeId: Uint8Array, revision: number | bigint): Context {
  const node = idArg('nodeId', nodeId);
  const rev = u64Arg('revision', revision);
  return withFrame((f) => {
    const id = f.alloc(OBJECT_ID_BYTES);
    const version = f.alloc(4);
    check(dm(f)._coffre_drive_file_context(f.bytes(node), node.length, id, OBJECT_ID_BYTES, version));
    return { objectId: new TextDecoder().decode(f.read(id, OBJECT_ID_BYTES)), revision: rev, keyVersion: f.u32(version) };
  });
}
