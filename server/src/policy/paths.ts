// Object paths (docs/STORE.md): every path is checked segment by segment against the table of section 4; anything
// else is bad_path. A directory (listing, tree deletion) is a proper prefix of some object path.

export const MAX_PATH_BYTES = 512;

/** What an object path names, with its variables (hex lowercase as in the path; numbers as bigint). */
export type ObjectKind =
  | 'log' | 'state' | 'rootwrap' | 'pins' | 'enroll' | 'directory' | 'access' | 'docwrap'
  | 'driveroot' | 'node' | 'name' | 'blob' | 'rekey' | 'shared';

export interface ParsedPath {
  kind: ObjectKind;
  path: string;
  vars: Vars;
}

export interface Vars {
  user?: string;
  owner?: string;
  device?: string;
  request?: string;
  doc?: string;
  purpose?: number;
  parent?: string;
  tag?: string;
  node?: string;
  op?: string;
  seq?: bigint;
  epoch?: bigint;
  n?: bigint;
  v?: bigint;
  revision?: bigint;
}

type VarName = keyof Vars;

/** A segment: a literal, or a variable with its syntax (and a suffix, e.g. `<seq>.entry`). */
type Seg = string | { re: RegExp; set: (vars: Vars, m: RegExpExecArray) => void };

const HEX32 = '([0-9a-f]{32})';
const HEX64 = '([0-9a-f]{64})';
const NUM = '(0|[1-9][0-9]{0,19})';
const U64_MAX = (1n << 64n) - 1n;

function hex(name: VarName, suffix = ''): Seg {
  return { re: new RegExp(`^${HEX32}${escape(suffix)}$`), set: (v, m) => { (v as Record<string, unknown>)[name] = m[1]; } };
}

function num(name: VarName, suffix = ''): Seg {
  return {
    re: new RegExp(`^${NUM}${escape(suffix)}$`),
    set: (v, m) => {
      const x = BigInt(m[1]!);
      if (x > U64_MAX) throw new Error('out of range');
      (v as Record<string, unknown>)[name] = x;
    },
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PURPOSE: Seg = { re: /^([123])$/, set: (v, m) => { v.purpose = Number(m[1]); } };
const NAME_HASH: Seg = { re: new RegExp(`^${HEX64}$`), set: () => {} };
const SHARED: Seg = {
  re: new RegExp(`^${HEX32}\\.${HEX32}$`),
  set: (v, m) => { v.owner = m[1]; v.node = m[2]; },
};
const ENROLL_PART: Seg = { re: /^(request|response|reveal)$/, set: () => {} };
const ACCESS_NAME: Seg = {
  re: new RegExp(`^(?:current|${NUM}\\.access)$`),
  set: (v, m) => { if (m[1] !== undefined) v.v = BigInt(m[1]); },
};

const PATTERNS: readonly { kind: ObjectKind; segs: readonly Seg[] }[] = [
  { kind: 'log', segs: ['accounts', hex('user'), 'log', num('seq', '.entry')] },
  { kind: 'state', segs: ['accounts', hex('user'), 'state', num('epoch', '.sealed')] },
  { kind: 'rootwrap', segs: ['accounts', hex('user'), 'wraps', num('epoch'), hex('device', '.wrap')] },
  { kind: 'pins', segs: ['accounts', hex('user'), 'pins', num('epoch'), num('n', '.pins')] },
  { kind: 'enroll', segs: ['enroll', hex('request'), ENROLL_PART] },
  { kind: 'directory', segs: ['directory', hex('user', '.record')] },
  { kind: 'access', segs: ['docs', hex('owner'), hex('doc'), PURPOSE, 'access', ACCESS_NAME] },
  { kind: 'docwrap', segs: ['docs', hex('owner'), hex('doc'), PURPOSE, 'wraps', num('v'), hex('user', '.wrap')] },
  { kind: 'driveroot', segs: ['drive', hex('owner'), 'root'] },
  { kind: 'node', segs: ['drive', hex('owner'), 'nodes', hex('parent'), hex('tag'), hex('node', '.node')] },
  { kind: 'name', segs: ['drive', hex('owner'), 'names', hex('parent'), hex('tag'), NAME_HASH] },
  { kind: 'blob', segs: ['drive', hex('owner'), 'blobs', hex('node'), num('revision')] },
  { kind: 'rekey', segs: ['drive', hex('owner'), 'rekey', hex('op')] },
  { kind: 'shared', segs: ['shared', hex('user'), SHARED] },
];

/** The segments of a path, or undefined when its bytes are not a well-formed relative path. */
function segments(path: string): string[] | undefined {
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return undefined;
  if (!/^[0-9a-z.]+(\/[0-9a-z.]+)*$/.test(path)) return undefined;  // no empty segment, no NUL, no %, no upper case
  const segs = path.split('/');
  if (segs.some((s) => s === '.' || s === '..')) return undefined;
  return segs;
}

/** Matches `segs` against `pattern` (all of it, or a prefix of it); the variables, or undefined. */
function match(segs: readonly string[], pattern: readonly Seg[]): Vars | undefined {
  if (segs.length > pattern.length) return undefined;
  const vars: Vars = {};
  for (let i = 0; i < segs.length; i++) {
    const p = pattern[i]!;
    if (typeof p === 'string') {
      if (segs[i] !== p) return undefined;
      continue;
    }
    const m = p.re.exec(segs[i]!);
    if (m === null) return undefined;
    try {
      p.set(vars, m);
    } catch {
      return undefined;
    }
  }
  return vars;
}

/** An object path of the table, or undefined (bad_path). */
export function parseObjectPath(path: string): ParsedPath | undefined {
  const segs = segments(path);
  if (segs === undefined) return undefined;
  for (const p of PATTERNS) {
    if (segs.length !== p.segs.length) continue;
    const vars = match(segs, p.segs);
    if (vars !== undefined) return { kind: p.kind, path, vars };
  }
  return undefined;
}

/** A directory: a proper prefix of an object path (its segments), or undefined (bad_path). */
export function parseDirectory(path: string): { segs: string[]; vars: Vars } | undefined {
  const segs = segments(path);
  if (segs === undefined) return undefined;
  for (const p of PATTERNS) {
    if (segs.length >= p.segs.length) continue;
    const vars = match(segs, p.segs);
    if (vars !== undefined) return { segs, vars };
  }
  return undefined;
}

/** The account charged for an object (its quota), or null for the enrollment mailbox. */
export function chargedAccount(p: ParsedPath): string | null {
  if (p.kind === 'enroll') return null;
  return (p.vars.owner ?? p.vars.user)!;  // shared/<user>/<owner>.<node> and docs wraps: the owner writes them
}

/** Objects that are never replaced: a PUT needs If-None-Match: * (create_only otherwise). */
export function isCreateOnly(kind: ObjectKind): boolean {
  return ['log', 'state', 'rootwrap', 'pins', 'enroll', 'driveroot', 'name'].includes(kind);
}
