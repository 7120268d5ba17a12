"""HTTP mode of the CLI transcript tests (COFFRE_TEST_STORE=http): every `--store DIR` of a command becomes the URL
of a reference server (server/, docs/STORE.md) on a throwaway PostgreSQL, and DIR stays a mirror of that server's
database, so the tests keep reading and editing the store as files:

- before each command, what the test changed in DIR since the last command is written into the database directly,
  as a malicious server would, bypassing every check of the server (objects, blob parts, Drive edges, the length of
  the served device list);
- after each command, the database is copied back into DIR.

A malicious server serves what it wants but still knows who its clients are: edits change what the server serves,
never its record of the account's verified log (the head hash it authenticates requests with), so a tampered log is
seen by the client's own checks, as with a directory store.

One PostgreSQL cluster per test process (scripts/lib/pg.sh), one database and one server process per store
directory. Needs the built server (scripts/lib/server-build.sh) and runs as root or as a user that may run initdb.
"""

import atexit
import hashlib
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENABLED = os.environ.get("COFFRE_TEST_STORE") == "http"
TEMP_SUFFIX = ".coffre-tmp"

_cluster = None
_servers = {}


def _bash(script):
    p = subprocess.run(["bash", "-c", f". {ROOT}/scripts/lib/pg.sh; set -e; {script}"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"{script}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode()


class _Cluster:
    """The cluster of the CTest fixture (COFFRE_TEST_PG_STATE names its state file, tests/cli/http_cluster.sh), or
    one of this process's own."""

    def __init__(self):
        state = os.environ.get("COFFRE_TEST_PG_STATE")
        self.shared = bool(state) and os.path.exists(state)
        if self.shared:
            with open(state) as f:
                out = f.read().split()
        else:
            out = _bash('pg_throwaway_start >&2; echo "$PG_DIR $PG_PORT"').split()
        self.dir, self.port = out[0], int(out[1])
        self.databases = []

    def new_database(self):
        name = f"store_{os.getpid()}_{len(self.databases)}"
        psql(self.port, "coffre", f"CREATE DATABASE {name}")
        self.databases.append(name)
        return name

    def stop(self):
        if not self.shared:
            _bash(f"PG_DIR={self.dir}; pg_throwaway_stop")
            return
        for name in self.databases:
            psql(self.port, "coffre", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def psql(port, db, sql):
    p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                        str(port), "-U", "coffre", "-d", db], input=sql.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"psql: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode()


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _owner_of(path):
    """The account a path is charged to (server/src/policy/paths.ts), None for enrollment mailboxes."""
    seg = path.split("/")
    if seg[0] in ("accounts", "docs", "drive") and len(seg) > 1:
        return seg[1]
    if seg[0] == "directory":
        return seg[1].split(".")[0]
    if seg[0] == "shared" and len(seg) > 2:
        return seg[2].split(".")[0]
    return None


def _kind_of(path):
    seg = path.split("/")
    if seg[0] == "accounts":
        return {"log": "log", "state": "state", "wraps": "rootwrap", "pins": "pins"}.get(seg[2], "junk")
    if seg[0] == "docs":
        return "access" if seg[4] == "access" else "docwrap"
    if seg[0] == "drive":
        return {"root": "driveroot", "nodes": "node", "names": "name", "blobs": "blob", "rekey": "rekey"}[seg[2]]
    return {"enroll": "enroll", "directory": "directory", "shared": "shared"}[seg[0]]


def _entry_hash(entry):
    frame = lambda b: len(b).to_bytes(4, "big") + b  # noqa: E731
    return hashlib.blake2b(frame(b"coffre/v1/log/entry-hash") + frame(entry), digest_size=32).digest()


def _hexlit(b):
    return "'\\x" + b.hex() + "'::bytea"


def _q(s):
    return "'" + s.replace("'", "''") + "'"


class StoreServer:
    """A server and its database for one store directory, which mirrors the database."""

    def __init__(self, store_dir):
        global _cluster
        if _cluster is None:
            _cluster = _Cluster()
            atexit.register(_stop_all)
        self.dir = store_dir
        self.db = _cluster.new_database()
        self.pg_port = _cluster.port
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"coffre-{self.db}-", suffix=".server.log", delete=False)
        self.proc = subprocess.Popen(
            ["node", os.path.join(ROOT, "server", "dist", "src", "main.js"), "--database",
             f"postgres://coffre@127.0.0.1:{self.pg_port}/{self.db}", "--port", str(self.port), "--host", "127.0.0.1",
             "--rate", "100000", "--burst", "100000"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()
        self.mirrored = {}  # path -> sha256 of the bytes DIR and the database last agreed on
        self.push()  # a store directory the test filled before its first command

    def _wait_ready(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the store server exited ({self.proc.returncode}); log in {self.log.name}")
            try:
                urllib.request.urlopen(self.url + "/v1/list/enroll", timeout=2)
            except urllib.error.HTTPError:
                return  # it answers (401: unsigned)
            except OSError:
                time.sleep(0.1)
                continue
            return
        raise RuntimeError("the store server did not start")

    def sql(self, text):
        return psql(self.pg_port, self.db, text)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)

    # DIR -> database ------------------------------------------------------------------------------------------

    def _files(self):
        files = {}
        if not os.path.isdir(self.dir):
            return files
        for root, _, names in os.walk(self.dir):
            for n in names:
                if n.endswith(TEMP_SUFFIX):
                    continue
                p = os.path.join(root, n)
                with open(p, "rb") as f:
                    files[os.path.relpath(p, self.dir)] = f.read()
        return files

    def push(self):
        """Writes what the test changed in DIR into the database, as a malicious server would."""
        files = self._files()
        changed = {p: b for p, b in files.items() if self.mirrored.get(p) != hashlib.sha256(b).digest()}
        gone = [p for p in self.mirrored if p not in files]
        if not changed and not gone:
            return
        stmts = ["BEGIN;"]
        for p in gone:
            stmts.append(f"DELETE FROM blob_parts WHERE blob_id = (SELECT blob_id FROM objects WHERE path = {_q(p)});")
            stmts.append(f"DELETE FROM objects WHERE path = {_q(p)};")
            stmts.append(f"DELETE FROM drive_edges WHERE path = {_q(p)};")
        for p, b in changed.items():
            stmts += self._write_sql(p, b)
        users = {p.split("/")[1] for p in list(changed) + gone if p.startswith("accounts/") and "/log/" in p}
        for u in users:
            # The served list is the entries 0, 1, ... that DIR holds; the head hash the server authenticates with
            # stays the one of the log it verified itself.
            seqs = {int(p.rsplit("/", 1)[1].split(".")[0]) for p in files
                    if p.startswith(f"accounts/{u}/log/") and p.endswith(".entry")}
            n = 0
            while n in seqs:
                n += 1
            # An account the server never saw (a store the test made up): its row, as if the server had verified it.
            head = _entry_hash(files[f"accounts/{u}/log/{n - 1}.entry"]).hex() if n else None
            stmts.append(f"INSERT INTO accounts (user_id, log_length, head_hash) VALUES ('\\x{u}'::bytea, {n}, "
                         f"{'NULL' if head is None else _q(chr(92) + 'x' + head) + '::bytea'}) "
                         f"ON CONFLICT (user_id) DO UPDATE SET log_length = {n};")
        stmts.append("COMMIT;")
        self.sql("\n".join(stmts))
        for p in gone:
            del self.mirrored[p]
        for p, b in changed.items():
            self.mirrored[p] = hashlib.sha256(b).digest()

    def _write_sql(self, p, b):
        owner = _owner_of(p)
        owner_sql = f"'\\x{owner}'::bytea" if owner and len(owner) == 32 else "NULL"
        kind = _kind_of(p)
        out = [f"DELETE FROM blob_parts WHERE blob_id = (SELECT blob_id FROM objects WHERE path = {_q(p)});",
               f"DELETE FROM objects WHERE path = {_q(p)};"]
        if kind == "blob":
            blob = uuid.uuid4()
            part = hashlib.sha256(b).digest()
            etag = '"' + hashlib.sha256(part).hexdigest() + '"'
            out.append(f"INSERT INTO blob_parts (blob_id, k, size, sha256, offset_in, bytes) VALUES ('{blob}', 0, "
                       f"{len(b)}, {_hexlit(part)}, 0, {_hexlit(b)});")
            out.append(f"INSERT INTO objects (path, owner, kind, size, etag, bytes, blob_id) VALUES ({_q(p)}, "
                       f"{owner_sql}, 'blob', {len(b)}, {_q(etag)}, NULL, '{blob}');")
            return out
        seq = "NULL"
        if kind == "log":
            seq = p.rsplit("/", 1)[1].split(".")[0]
        etag = '"' + hashlib.sha256(b).hexdigest() + '"'
        out.append(f"INSERT INTO objects (path, owner, kind, size, etag, bytes, log_seq) VALUES ({_q(p)}, {owner_sql}, "
                   f"{_q(kind)}, {len(b)}, {_q(etag)}, {_hexlit(b)}, {seq});")
        seg = p.split("/")
        if kind == "node" and len(seg) == 6:
            out.append(f"INSERT INTO drive_edges (owner, node, parent, path) VALUES ('\\x{seg[1]}'::bytea, "
                       f"'\\x{seg[5].split('.')[0]}'::bytea, '\\x{seg[3]}'::bytea, {_q(p)}) ON CONFLICT DO NOTHING;")
        return out

    # database -> DIR ------------------------------------------------------------------------------------------

    def pull(self):
        """Copies the database into DIR (committed objects and blobs; uploads in progress are not objects)."""
        rows = self.sql(
            "SELECT o.path, encode(coalesce(o.bytes, (SELECT string_agg(p.bytes, ''::bytea ORDER BY p.k) "
            "FROM blob_parts p WHERE p.blob_id = o.blob_id), ''::bytea), 'hex') FROM objects o")
        db = {}
        for line in rows.splitlines():
            if line:
                p, h = line.split("\t")
                db[p] = bytes.fromhex(h)
        files = self._files()
        gone = [os.path.join(self.dir, p) for p in files if p not in db]
        # A directory store's temporary files a test planted are no object of the server: gone, as the server never
        # had them (an HTTP store's unfinished upload is invisible).
        gone += [os.path.join(root, n) for root, _, names in os.walk(self.dir) for n in names
                 if n.endswith(TEMP_SUFFIX)]
        for full in gone:
            os.unlink(full)
        for p, b in db.items():
            if files.get(p) != b:
                full = os.path.join(self.dir, p)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "wb") as f:
                    f.write(b)
        # The directories that the removals above emptied go too (the server has no directories); a directory the
        # test emptied itself stays, as in a directory store, so that the test can put a file back into it.
        for full in gone:
            self._remove_empty_parents(full)
        os.makedirs(self.dir, exist_ok=True)
        self.mirrored = {p: hashlib.sha256(b).digest() for p, b in db.items()}

    def _remove_empty_parents(self, path):
        parent = os.path.dirname(path)
        while parent != self.dir and parent.startswith(self.dir + os.sep) and os.path.isdir(parent) \
                and not os.listdir(parent):
            os.rmdir(parent)
            parent = os.path.dirname(parent)


def _stop_all():
    for s in _servers.values():
        s.stop()
    _servers.clear()
    if _cluster is not None:
        _cluster.stop()


def server_for(store_dir):
    d = os.path.abspath(store_dir)
    if d not in _servers:
        _servers[d] = StoreServer(d)
    return _servers[d]


def is_store_dir(value):
    return not value.startswith(("http://", "https://"))


def before(args):
    """args with every `--store DIR` replaced by its server's URL, the test's edits of DIR pushed first; and the
    servers to pull from after the command. Identity when HTTP mode is off."""
    if not ENABLED or (args and args[0].startswith("test-forge")):
        return args, []
    out, used = list(args), []
    for i, a in enumerate(args[:-1]):
        if a == "--store" and is_store_dir(args[i + 1]):
            s = server_for(args[i + 1])
            s.push()
            out[i + 1] = s.url
            used.append(s)
    return out, used


def after(used):
    for s in used:
        s.pull()


def sync_all():
    """Pulls every server into its directory (after a background command ended, or to see what one running wrote)."""
    for s in _servers.values():
        s.pull()


def push_all():
    """Writes what the test changed in every directory into its server now (for a command running in the
    background, which reads the store while the test edits it)."""
    for s in _servers.values():
        s.push()


TABLES = ["objects", "blob_parts", "uploads", "accounts", "device_keys", "drive_edges", "nonces", "invites"]


def database_holds(needles):
    """Where, if anywhere, a needle is in a server's database: every column of every table (bytea as hex, text as
    is), then the cluster's raw files (after a checkpoint). None when no needle is anywhere; [] when HTTP mode is off."""
    if not _servers:
        return None
    hexed = [(n, n.hex().encode()) for n in needles]
    for s in _servers.values():
        dump = s.sql("\n".join(f"COPY {t} TO STDOUT;" for t in TABLES)).encode()
        for raw, h in hexed:
            if h in dump or raw in dump:
                return f"a column of the database {s.db}"
        s.sql("CHECKPOINT")
    # The data files only: tables, catalogs, the write-ahead log (configuration files hold English words, which
    # two consecutive recovery words may be). PostgreSQL's own catalogs hold English text too (pg_description:
    # "time zone", "index build"), copied into every database and the WAL: a needle they hold says nothing there
    # (the column check above still covers it).
    catalogs = _catalog_bytes()
    raws = [raw for raw, _ in hexed if raw not in catalogs]
    for root, _, names in (w for sub in ("base", "global", "pg_wal") for w in os.walk(os.path.join(_cluster.dir,
                                                                                                   "data", sub))):
        for n in names:
            try:
                with open(os.path.join(root, n), "rb") as f:
                    content = f.read()
            except OSError:
                continue
            for raw in raws:
                if raw in content:
                    return f"the cluster file {os.path.join(root, n)}"
    return None


_catalogs = None


def _catalog_bytes():
    """The files of template1 and the shared catalogs: what PostgreSQL holds before any store writes to it."""
    global _catalogs
    if _catalogs is None:
        oid = psql(_cluster.port, "coffre", "SELECT oid FROM pg_database WHERE datname = 'template1'").strip()
        parts = []
        for sub in (os.path.join("base", oid), "global"):
            for root, _, names in os.walk(os.path.join(_cluster.dir, "data", sub)):
                for n in names:
                    with open(os.path.join(root, n), "rb") as f:
                        parts.append(f.read())
        _catalogs = b"\0".join(parts)
    return _catalogs
