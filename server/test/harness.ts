// Test harness: a real server process on the PostgreSQL that scripts/test-server.sh started (PG_URL), signed HTTP
// requests sent byte for byte (node:http: no URL normalization), and real accounts made with @coffre/core.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  type AccountSecrets, Coffre, createAccount, DeviceKeys, EnrollmentApprover, EnrollmentRequester, RecoveryPhrase,
  type RootKey, signStoreRequest, UsedEnrollmentRequests, VerifiedLog,
} from '@coffre/core';

import pg from 'pg';

export const PG_URL = process.env['PG_URL'] ?? '';
if (PG_URL === '') throw new Error('PG_URL is not set: run scripts/test-server.sh');
const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
export const RECOVERY_ID = 'ff'.repeat(16);

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

await Coffre.load();

// ---------------------------------------------------------------------------------------------------------------
// Server processes

export interface ServerProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export async function startServer(args: string[] = [], port = 0): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [MAIN, '--database', PG_URL, '--port', String(port), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); process.stderr.write(d); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+?)\/v1\//.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    stop: async () => { proc.kill('SIGTERM'); await exited; },
    kill9: async () => { proc.kill('SIGKILL'); await exited; },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Signed requests

/** Who signs: a device's keys, or the recovery phrase (a recovery signer). */
export type Signer = DeviceKeys | RecoveryPhrase;

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json(): Record<string, unknown>;
}

export interface RequestOptions {
  body?: Uint8Array | string | object;
  headers?: Record<string, string>;
  /** overrides of what is signed or sent */
  time?: bigint;
  nonce?: Buffer;
  unsigned?: boolean;
  badSignature?: boolean;
  /** the Content-Length header to send (another than the body's) */
  declaredLength?: number;
  /** send the body chunked (no Content-Length) */
  chunked?: boolean;
}

export class Client {
  constructor(readonly base: string, readonly signer: Signer, readonly user: string | null = null) {}

  as(user: string | null): Client {
    return new Client(this.base, this.signer, user);
  }

  on(base: string): Client {
    return new Client(base, this.signer, this.user);
  }

  /** Sends `method target` signed; the signed headers it used (for replays) are kept in `last`. */
  last: Record<string, string> = {};

  async request(method: string, target: string, o: RequestOptions = {}): Promise<Response> {
    const body = o.body === undefined ? Buffer.alloc(0)
      : typeof o.body === 'string' ? Buffer.from(o.body)
        : o.body instanceof Uint8Array ? Buffer.from(o.body) : Buffer.from(JSON.stringify(o.body));
    const headers: Record<string, string> = { ...o.headers };
    if (!o.unsigned) Object.assign(headers, this.signedHeaders(method, target, body, o));
    this.last = headers;
    return send(this.base, method, target, body, headers, o);
  }

  signedHeaders(method: string, target: string, body: Buffer, o: RequestOptions = {}): Record<string, string> {
    const prefix = new URL(this.base).pathname.replace(/\/$/, '');
    const { headers } = signStoreRequest(this.signer, {
      method, target: prefix + target, body,
      ...(o.time === undefined ? {} : { time: o.time }),
      ...(o.nonce === undefined ? {} : { nonce: o.nonce }),
      ...(this.user === null ? {} : { user: Buffer.from(this.user, 'hex') }),
    });
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v;
    if (o.badSignature) {
      const sig = h['coffre-signature']!;
      h['coffre-signature'] = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    }
    return h;
  }

  get(target: string, o: RequestOptions = {}): Promise<Response> { return this.request('GET', target, o); }
  put(target: string, body: Uint8Array | string, o: RequestOptions = {}): Promise<Response> {
    return this.request('PUT', target, { ...o, body });
  }
  create(path: string, body: Uint8Array | string, o: RequestOptions = {}): Promise<Response> {
    return this.request('PUT', `/v1/o/${path}`, { ...o, body, headers: { 'if-none-match': '*', ...o.headers } });
  }
  del(target: string, o: RequestOptions = {}): Promise<Response> { return this.request('DELETE', target, o); }
  post(target: string, body: object | string, o: RequestOptions = {}): Promise<Response> {
    return this.request('POST', target, { ...o, body, headers: { 'content-type': 'application/json', ...o.headers } });
  }
}

export function send(base: string, method: string, target: string, body: Buffer, headers: Record<string, string>,
  o: RequestOptions = {}): Promise<Response> {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/$/, '');
  return new Promise((resolve, reject) => {
    const h: Record<string, string | number> = { ...headers };
    if (!o.chunked) h['content-length'] = o.declaredLength ?? body.length;
    if (body.length > 0 && h['content-type'] === undefined) h['content-type'] = 'application/octet-stream';
    const req = http.request({ host: url.hostname, port: url.port, method, path: prefix + target, headers: h,
      agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b,
          json: () => JSON.parse(b.toString()) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.chunked) {
      // in pieces, so that the server sees a stream with no declared length
      for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536));
      req.end();
    } else if (o.declaredLength !== undefined && o.declaredLength > body.length) {
      req.write(body);  // the rest never comes: the server must answer from the header alone
    } else {
      req.end(body);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts made with the library

export interface Account {
  user: string;
  device: DeviceKeys;
  phrase: RecoveryPhrase;
  secrets: AccountSecrets;
  root: RootKey;
  log: VerifiedLog;
  client: Client;
  used: UsedEnrollmentRequests;
}

/** Creates an account through the server: epoch 1's sealed state and wraps, then the genesis. */
export async function newAccount(base: string, options: { invite?: string } = {}): Promise<Account> {
  const device = DeviceKeys.generate();
  const phrase = RecoveryPhrase.generate();
  const created = createAccount(device, 'laptop', phrase);
  const log = VerifiedLog.verify([created.genesis]);
  const user = hex(log.userId);
  const client = new Client(base, device, user);
  const headers: Record<string, string> = options.invite === undefined ? {} : { 'coffre-invite': options.invite };
  const a = `accounts/${user}`;
  await expectStatus(client.create(`${a}/state/1.sealed`, created.sealedState, { headers }), 201);
  await expectStatus(client.create(`${a}/wraps/1/${hex(device.id)}.wrap`, created.deviceWrap), 201);
  await expectStatus(client.create(`${a}/wraps/1/${RECOVERY_ID}.wrap`, created.recoveryWrap), 201);
  await expectStatus(client.create(`${a}/log/0.entry`, created.genesis), 201);
  return { user, device, phrase, secrets: created.secrets, root: created.root, log, client,
    used: new UsedEnrollmentRequests() };
}

/** An add-device entry for a new device, approved by the account's device against `log` (default: its own). */
export function approveNewDevice(acc: Account, log: VerifiedLog = acc.log): { device: DeviceKeys; entry: Uint8Array;
  wrap: Uint8Array } {
  const device = DeviceKeys.generate();
  const requester = EnrollmentRequester.start(device, 'phone');
  const approver = EnrollmentApprover.onRequest(requester.request, acc.device, log, acc.used);
  const { reveal } = requester.onResponse(approver.response, log);
  approver.onReveal(reveal);
  const { entry, wrap } = approver.approve(log, acc.secrets, acc.root, acc.device);
  return { device, entry, wrap };
}

/** Fetches and verifies the account's log as the server has it. */
export async function fetchLog(c: Client, user: string): Promise<{ entries: Uint8Array[]; log: VerifiedLog }> {
  const r = await c.get(`/v1/log/${user}`);
  if (r.status !== 200) throw new Error(`log: ${r.status}`);
  const entries: Uint8Array[] = [];
  for (let i = 0; i < r.body.length;) {
    const n = r.body.readUInt32BE(i);
    entries.push(new Uint8Array(r.body.subarray(i + 4, i + 4 + n)));
    i += 4 + n;
  }
  if (String(entries.length) !== r.headers['coffre-log-length']) throw new Error('log length header differs');
  return { entries, log: VerifiedLog.verify(entries) };
}

/** Enrolls a new device of `acc` through the server: its wrap, then the entry. */
export async function enrollDevice(acc: Account): Promise<{ device: DeviceKeys; client: Client }> {
  const { device, entry, wrap } = approveNewDevice(acc);
  const seq = acc.log.head.seq + 1n;
  await expectStatus(acc.client.create(`accounts/${acc.user}/wraps/${acc.log.rootEpoch}/${hex(device.id)}.wrap`, wrap),
    201);
  await expectStatus(acc.client.create(`accounts/${acc.user}/log/${seq}.entry`, entry), 201);
  acc.log = acc.log.verifyAppended([entry]);
  return { device, client: new Client(acc.client.base, device, acc.user) };
}

export async function expectStatus(p: Promise<Response>, status: number): Promise<Response> {
  const r = await p;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return r;
}

export function anonymous(base: string): Client {
  return new Client(base, DeviceKeys.generate(), null);
}

/**
 * Replaces the bytes of a stored object in the database itself (a malicious or broken server: what the server's
 * own write checks would refuse). The object must exist.
 */
export async function plantObject(path: string, bytes: Uint8Array): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const r = await client.query('UPDATE objects SET bytes = $2, size = $3, etag = $4 WHERE path = $1',
      [path, Buffer.from(bytes), bytes.length, `"${sha256(bytes).toString('hex')}"`]);
    if (r.rowCount !== 1) throw new Error(`plantObject: no object at ${path}`);
  } finally {
    await client.end();
  }
}
