// Server flags (docs/STORE.md section 7 for the limits).
export interface Config {
  host: string;
  port: number;
  database: string;
  /** URL path prefix before /v1 (when a proxy forwards https://host/prefix/... unchanged) */
  prefix: string;
  /** account creation needs an invite token (Coffre-Invite) */
  inviteOnly: boolean;
  /** tokens added to the invites table at start */
  addInvites: string[];
  quotaBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  /** database connections of this process */
  poolSize: number;
}

const USAGE = `usage: coffre-server [--host H] [--port P] [--database URL] [--prefix /p] [--invite] [--add-invite TOKEN]...
       [--quota BYTES] [--rate N] [--burst N] [--pool N]
--database defaults to $DATABASE_URL; --invite: account creation needs a token (Coffre-Invite header)`;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const c: Config = {
    host: '127.0.0.1',
    port: 8080,
    database: env['DATABASE_URL'] ?? '',
    prefix: '',
    inviteOnly: false,
    addInvites: [],
    quotaBytes: 10 * 2 ** 30,
    ratePerSecond: 200,
    rateBurst: 400,
    poolSize: 10,
  };
  const value = (i: number): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value\n${USAGE}`);
    return v;
  };
  const int = (i: number): number => {
    const v = Number(value(i));
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${argv[i]} needs a non-negative integer\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--host': c.host = value(i++); break;
      case '--port': c.port = int(i++); break;
      case '--database': c.database = value(i++); break;
      case '--prefix': c.prefix = value(i++).replace(/\/+$/, ''); break;
      case '--invite': c.inviteOnly = true; break;
      case '--add-invite': c.addInvites.push(value(i++)); break;
      case '--quota': c.quotaBytes = int(i++); break;
      case '--rate': c.ratePerSecond = int(i++); break;
      case '--burst': c.rateBurst = int(i++); break;
      case '--pool': c.poolSize = Math.max(1, int(i++)); break;
      case '--help': throw new Error(USAGE);
      default: throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
  }
  if (c.database === '') throw new Error(`no database: --database URL or DATABASE_URL\n${USAGE}`);
  if (c.prefix !== '' && !/^(\/[A-Za-z0-9._-]+)+$/.test(c.prefix)) throw new Error(`--prefix: /segment[/...]\n${USAGE}`);
  return c;
}
