// Who may do what (docs/STORE.md section 4): each right is a list of alternatives, any one of which allows.
import type { Principal } from '../auth/authenticate.js';
import type { Db } from '../db/pool.js';
import { isClaimWriter, isListed, isMemberReader } from './members.js';
import type { ParsedPath, Vars } from './paths.js';

export type Alt =
  | { any: true }
  | { device: string }
  | { recovery: string }
  /** before the account's genesis: the key holding its claim, or any key while nobody holds it */
  | { claimant: string }
  /** a device of a present or past member of a document: listed in its current list or a version's list */
  | { listed: { owner: string; doc: string; purpose: number } }
  /** a device of the owner, or of a member of a shared folder at or above the node */
  | { reader: { owner: string; node: string } }
  /** a node with no record yet: a device of a member reader of the parent of a name claim holding the node's id */
  | { claimer: { owner: string; node: string } };

export type Right = readonly Alt[];

const ANY: Right = [{ any: true }];
const NOBODY: Right = [];

function accountOnly(u: string): Right {
  return [{ device: u }, { claimant: u }];
}

function accountOrRecovery(u: string): Right {
  return [{ device: u }, { recovery: u }, { claimant: u }];
}

export function readRight(p: ParsedPath): Right {
  const v = p.vars;
  switch (p.kind) {
    case 'log': case 'enroll': case 'directory': return ANY;
    case 'state': case 'rootwrap': return accountOrRecovery(v.user!);
    case 'pins': return accountOnly(v.user!);
    case 'access': return [{ device: v.owner! }, { listed: { owner: v.owner!, doc: v.doc!, purpose: v.purpose! } }];
    case 'docwrap': return [{ device: v.owner! }, { device: v.user! }];
    case 'driveroot': case 'rekey': return [{ device: v.owner! }];
    case 'node': case 'name': return [{ reader: { owner: v.owner!, node: v.parent! } }];
    case 'blob': return [{ reader: { owner: v.owner!, node: v.node! } }];
    case 'shared': return [{ device: v.user! }, { device: v.owner! }];
  }
}

export function writeRight(p: ParsedPath): Right {
  const v = p.vars;
  switch (p.kind) {
    case 'state': case 'pins': return accountOnly(v.user!);
    // The recovery signer writes the wrap of the device it enrolls, then its entry (SPEC 15; append.ts checks that
    // the entry adds a device and that the recovery key authored it).
    case 'log': case 'rootwrap': return accountOrRecovery(v.user!);
    case 'enroll': return ANY;
    case 'directory': return [{ device: v.user! }];
    case 'access': case 'docwrap': case 'driveroot': case 'rekey': case 'shared': return [{ device: v.owner! }];
    case 'node': case 'name': return [{ reader: { owner: v.owner!, node: v.parent! } }];
    case 'blob': return [{ reader: { owner: v.owner!, node: v.node! } }, { claimer: { owner: v.owner!, node: v.node! } }];
  }
}

/**
 * Deletion follows the write column, except what the account's log refers to: log entries never, sealed states and
 * root-key wraps of the log's epochs never (but those of a later epoch, or of the current epoch to a recipient the
 * log does not hold: what a lost race or `device revoke --force` leaves, STORE.md section 4).
 */
export function deleteRight(p: ParsedPath, principal: Principal): Right {
  const v = p.vars;
  if (p.kind === 'log') return NOBODY;
  if ((p.kind === 'state' || p.kind === 'rootwrap') && principal.kind === 'device' && principal.user === v.user) {
    const log = principal.log;
    const epoch = v.epoch!;
    const laterEpoch = epoch > BigInt(log.rootEpoch);
    const strayWrap = p.kind === 'rootwrap' && epoch === BigInt(log.rootEpoch) && v.device !== 'f'.repeat(32) &&
      !log.deviceIds.has(v.device!);
    return laterEpoch || strayWrap ? [{ device: v.user! }] : NOBODY;
  }
  if (p.kind === 'state' || p.kind === 'rootwrap') return [{ claimant: v.user! }];
  return writeRight(p);
}

/** The read right of a directory's objects (listing), by its leading segments. */
export function directoryReadRight(segs: readonly string[], v: Vars): Right {
  const [top, , third, fourth] = segs;
  const n = segs.length;
  // The pending enrollment requests' ids: any signer (`device approve` without an id lists them, as from a
  // directory store; they name nothing secret and are pruned after 1 h, STORE.md section 4).
  if (n === 1 && top === 'enroll') return ANY;
  if (n < 2) return NOBODY;  // no listing of all accounts, documents or drives
  switch (top) {
    case 'accounts':
      if (n === 2) return accountOnly(v.user!);
      if (third === 'log') return ANY;
      if (third === 'pins') return accountOnly(v.user!);
      return accountOrRecovery(v.user!);
    case 'enroll': return ANY;
    case 'docs':
      if (n < 4) return [{ device: v.owner! }];
      return [{ device: v.owner! }, { listed: { owner: v.owner!, doc: v.doc!, purpose: v.purpose! } }];
    case 'drive':
      if (n >= 4 && (third === 'nodes' || third === 'names')) return [{ reader: { owner: v.owner!, node: fourth! } }];
      if (n >= 4 && third === 'blobs') return [{ reader: { owner: v.owner!, node: fourth! } }];
      return [{ device: v.owner! }];
    case 'shared': return [{ device: v.user! }];
    default: return NOBODY;
  }
}

/** Whether `principal` has `right`. */
export async function allowed(db: Db, principal: Principal, right: Right): Promise<boolean> {
  for (const alt of right) {
    if (await allows(db, principal, alt)) return true;
  }
  return false;
}

async function allows(db: Db, who: Principal, alt: Alt): Promise<boolean> {
  if ('any' in alt) return true;
  if ('device' in alt) return who.kind === 'device' && who.user === alt.device;
  if ('recovery' in alt) return who.kind === 'recovery' && who.user === alt.recovery;
  if ('claimant' in alt) {
    if (who.kind !== 'claimant' || who.user !== alt.claimant) return false;
    const r = await db.query<{ claim_key: Buffer | null }>('SELECT claim_key FROM accounts WHERE user_id = $1',
      [Buffer.from(who.user, 'hex')]);
    const holder = r.rows[0]?.claim_key;
    return holder === undefined || holder === null || holder.toString('hex') === who.key;
  }
  if (who.kind !== 'device') return false;
  if ('listed' in alt) return isListed(db, alt.listed.owner, alt.listed.doc, alt.listed.purpose, who.user);
  if ('claimer' in alt) return isClaimWriter(db, alt.claimer.owner, alt.claimer.node, who.user);
  if (who.user === alt.reader.owner) return true;
  return isMemberReader(db, alt.reader.owner, alt.reader.node, who.user);
}
