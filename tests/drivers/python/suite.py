#!/usr/bin/env python3
"""One Python driver against a MariaDB server directly and through weir: the same scenario on both,
the results compared step by step.

    suite.py DRIVER [--only S1,S2] [--skip S1,S2] HOST PORT USER PASSWORD DATABASE HOST PORT USER PASSWORD DATABASE

DRIVER is pymysql, mysqlclient or connector (mysql-connector-python). The first five connection
arguments name the server itself, the last five weir in front of it. Exits 0 when every step gave
the same result on both without an error, 1 otherwise.
"""
import datetime
import decimal
import hashlib
import sys
import threading
import time
import traceback
import warnings


class Target:
    def __init__(self, name, host, port, user, password, database):
        self.name, self.host, self.port = name, host, int(port)
        self.user, self.password, self.database = user, password, database


# --- driver adapters: the few things DB-API leaves to each driver --------------------------------

class PyMySQLDriver:
    name = "pymysql"
    server_side_prepare = False
    big_blob_prepared = True

    def __init__(self):
        import pymysql
        self.m = pymysql

    def connect(self, t, database=None):
        return self.m.connect(host=t.host, port=t.port, user=t.user, password=t.password,
                              database=database or t.database, charset="utf8mb4",
                              max_allowed_packet=64 * 1024 * 1024, autocommit=True,
                              client_flag=self.m.constants.CLIENT.MULTI_STATEMENTS)

    def cursor(self, conn, prepared=False):
        return conn.cursor()

    def call_results(self, conn, sql):
        cur = conn.cursor()
        cur.execute(sql)
        sets = [list(cur.fetchall())]
        while cur.nextset():
            if cur.description is not None:
                sets.append(list(cur.fetchall()))
        return sets

    def select_db(self, conn, db):
        conn.select_db(db)

    def change_user(self, conn, t, db):
        return None  # PyMySQL has no COM_CHANGE_USER

    def reconnect(self, conn):
        with warnings.catch_warnings():  # deprecated in PyMySQL 1.1, still what applications call
            warnings.simplefilter("ignore", DeprecationWarning)
            conn.ping(reconnect=True)
        return conn

    def warning_count(self, conn, cur):
        return getattr(cur, "warning_count", None)

    def handshake_id(self, conn):
        return conn.server_thread_id[0]

    def error_code(self, e):
        return e.args[0] if e.args else None


class MySQLClientDriver(PyMySQLDriver):
    name = "mysqlclient"

    def __init__(self):
        import MySQLdb
        import MySQLdb.constants.CLIENT
        self.m = MySQLdb

    def connect(self, t, database=None):
        return self.m.connect(host=t.host, port=t.port, user=t.user, password=t.password,
                              database=database or t.database, charset="utf8mb4", autocommit=True,
                              client_flag=self.m.constants.CLIENT.MULTI_STATEMENTS
                              | self.m.constants.CLIENT.MULTI_RESULTS)

    def change_user(self, conn, t, db):
        conn.change_user(t.user, t.password, db)
        return True

    def reconnect(self, conn):
        # mysqlclient no longer reconnects by itself: the application opens a new connection.
        try:
            conn.close()
        except Exception:
            pass
        return None

    def warning_count(self, conn, cur):
        return conn.warning_count()

    def handshake_id(self, conn):
        return conn.thread_id()


class ConnectorDriver(PyMySQLDriver):
    name = "connector"
    server_side_prepare = True
    # mysql-connector-python 26.10 (pure Python protocol) fails on its own against the server when a
    # binary-protocol row holds more than 16 MB (struct.error while parsing it): the 20 MB blob goes
    # over the text protocol. It also decodes a negative binary TIME wrongly, so TIME values are positive.
    big_blob_prepared = False

    def __init__(self):
        import mysql.connector
        self.m = mysql.connector

    def connect(self, t, database=None):
        # No auth_plugin given: the connector starts with caching_sha2_password and is switched.
        return self.m.connect(host=t.host, port=t.port, user=t.user, password=t.password,
                              database=database or t.database, charset="utf8mb4",
                              collation="utf8mb4_general_ci", autocommit=True, ssl_disabled=True)

    def cursor(self, conn, prepared=False):
        return conn.cursor(prepared=True) if prepared else conn.cursor()

    def call_results(self, conn, sql):
        cur = conn.cursor()
        cur.execute(sql)
        sets = [list(cur.fetchall())]
        while cur.nextset():
            if cur.description is not None:
                sets.append(list(cur.fetchall()))
        return sets

    def select_db(self, conn, db):
        conn.database = db

    def change_user(self, conn, t, db):
        conn.cmd_change_user(username=t.user, password=t.password, database=db)
        return True

    def reconnect(self, conn):
        conn.reconnect(attempts=3, delay=0)
        return conn

    def warning_count(self, conn, cur):
        return cur.warning_count

    def handshake_id(self, conn):
        return conn.connection_id

    def error_code(self, e):
        return getattr(e, "errno", None)


DRIVERS = {"pymysql": PyMySQLDriver, "mysqlclient": MySQLClientDriver, "connector": ConnectorDriver}


# --- scenario ---------------------------------------------------------------------------------

def norm(v):
    """A driver-independent text for a value, so that both runs compare exactly."""
    if isinstance(v, (bytes, bytearray)):
        return "b:" + bytes(v).hex()
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, decimal.Decimal):
        return "dec:" + str(v)
    if isinstance(v, datetime.timedelta):
        return "td:" + str(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.__class__.__name__ + ":" + v.isoformat()
    return v


TYPE_ROWS = [
    (1, -128, -32768, -9223372036854775808, 18446744073709551615, decimal.Decimal("-12345678901234.123456"),
     3.141592653589793, datetime.date(1999, 12, 31), datetime.datetime(2024, 2, 29, 23, 59, 58, 123456),
     datetime.timedelta(hours=838, minutes=59, seconds=59), "plain ascii", b"\x00\x01\xff\xfe", 7),
    (2, 127, 32767, 9223372036854775807, 0, decimal.Decimal("0.000001"), -1.5e-300,
     datetime.date(2038, 1, 19), datetime.datetime(1970, 1, 1, 0, 0, 0, 1),
     datetime.timedelta(hours=12, minutes=34, seconds=56, microseconds=789000),
     "utf8mb4: grüße, 日本語, emoji 🎉🐬", bytes(range(256)) * 3, None),
    (3, None, None, None, None, None, None, None, None, None, None, None, None),
]


def step_types(drv, t):
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("DROP TABLE IF EXISTS drv_types")
    cur.execute("""CREATE TABLE drv_types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, bi BIGINT,
        ubi BIGINT UNSIGNED, de DECIMAL(20,6), db DOUBLE, da DATE, dtm DATETIME(6), tm TIME(6),
        vc VARCHAR(100) CHARACTER SET utf8mb4, bl BLOB, n INT NULL) DEFAULT CHARSET=utf8mb4""")
    pcur = drv.cursor(conn, prepared=True)
    for row in TYPE_ROWS:
        pcur.execute("INSERT INTO drv_types VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", row)
    out = []
    for i in (1, 2, 3):
        pcur = drv.cursor(conn, prepared=True)
        pcur.execute("SELECT * FROM drv_types WHERE id = %s", (i,))
        rows = pcur.fetchall()
        out.append(norm(rows))
        # what the server stored equals what was sent (values, not only the two runs' agreement)
        got = rows[0]
        want = TYPE_ROWS[i - 1]
        for k, (g, w) in enumerate(zip(got, want)):
            if isinstance(w, float) and g is not None:
                ok = abs(g - w) <= abs(w) * 1e-12
            elif isinstance(w, str) and g is not None and isinstance(g, (bytes, bytearray)):
                ok = bytes(g).decode() == w
            else:
                ok = (bytes(g) if isinstance(g, (bytearray,)) else g) == w
            if not ok:
                raise AssertionError(f"row {i} column {k}: sent {w!r}, read back {g!r}")
    pcur = drv.cursor(conn, prepared=True)
    pcur.execute("SELECT %s, %s, %s, %s", (42, "x🐬", None, decimal.Decimal("1.50")))
    out.append(norm(pcur.fetchall()))
    conn.close()
    return out


def step_big_blob(drv, t):
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("DROP TABLE IF EXISTS drv_big")
    cur.execute("CREATE TABLE drv_big (id INT PRIMARY KEY, b LONGBLOB)")
    blob = hashlib.sha256(b"seed").digest() * (20 * 1024 * 1024 // 32) + b"tail"
    pcur = drv.cursor(conn, prepared=drv.big_blob_prepared)
    pcur.execute("INSERT INTO drv_big VALUES (%s, %s)", (1, blob))
    pcur = drv.cursor(conn, prepared=drv.big_blob_prepared)
    pcur.execute("SELECT b, LENGTH(b), SHA2(b, 256) FROM drv_big WHERE id = %s", (1,))
    b, length, digest = pcur.fetchall()[0]
    if bytes(b) != blob:
        raise AssertionError(f"20 MB blob came back different: {len(b)} bytes instead of {len(blob)}")
    if isinstance(digest, (bytes, bytearray)):
        digest = bytes(digest).decode()
    if digest != hashlib.sha256(blob).hexdigest():
        raise AssertionError("the server's SHA2 of the blob differs from the one sent")
    conn.close()
    return [len(b), int(length), digest]


def step_call(drv, t):
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("DROP PROCEDURE IF EXISTS drv_two")
    cur.execute("CREATE PROCEDURE drv_two(IN x INT) BEGIN SELECT x AS a, 'one' AS b; "
                "SELECT x * 2 AS c UNION ALL SELECT x * 3; END")
    sets = drv.call_results(conn, "CALL drv_two(7)")
    cur = drv.cursor(conn)
    cur.execute("SELECT 'after call'")
    after = cur.fetchall()
    conn.close()
    if len(sets) != 2:
        raise AssertionError(f"CALL gave {len(sets)} result sets, expected 2")
    return [norm(sets), norm(after)]


def step_transactions(drv, t):
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("DROP TABLE IF EXISTS drv_tx")
    cur.execute("CREATE TABLE drv_tx (id INT PRIMARY KEY) ENGINE=InnoDB")
    conn.autocommit(False) if callable(getattr(conn, "autocommit", None)) else setattr(conn, "autocommit", False)
    cur.execute("INSERT INTO drv_tx VALUES (1)")
    conn.rollback()
    cur.execute("SELECT COUNT(*) FROM drv_tx")
    after_rollback = cur.fetchall()
    cur.execute("INSERT INTO drv_tx VALUES (2)")
    conn.commit()
    cur.execute("START TRANSACTION")
    cur.execute("INSERT INTO drv_tx VALUES (3)")
    cur.execute("ROLLBACK")
    other = drv.connect(t)
    ocur = other.cursor()
    ocur.execute("SELECT id FROM drv_tx ORDER BY id")
    seen_by_other = ocur.fetchall()
    other.close()
    conn.close()
    return norm([after_rollback, seen_by_other])


def step_session_state(drv, t):
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    out = []
    cur.execute("SET @a = 41, @b = 'vär🐬'")
    cur.execute("SELECT @a + 1, @b")
    out.append(norm(cur.fetchall()))
    cur.execute("CREATE TEMPORARY TABLE drv_tmp (x INT)")
    cur.execute("INSERT INTO drv_tmp VALUES (1), (2), (3)")
    cur.execute("SELECT SUM(x) FROM drv_tmp")
    out.append(norm(cur.fetchall()))
    cur.execute("DROP TABLE IF EXISTS drv_ai")
    cur.execute("CREATE TABLE drv_ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT)")
    cur.execute("INSERT INTO drv_ai (v) VALUES (10)")
    cur.execute("INSERT INTO drv_ai (v) VALUES (20), (30)")
    out.append(["lastrowid", cur.lastrowid])
    cur.execute("SELECT LAST_INSERT_ID()")
    out.append(norm(cur.fetchall()))
    cur.execute("SELECT CAST('12abc' AS SIGNED), 1/0")
    out.append(norm(cur.fetchall()))
    out.append(["warning_count", drv.warning_count(conn, cur)])
    cur.execute("SHOW WARNINGS")
    out.append(norm(cur.fetchall()))
    cur.execute(f"USE {t.database}_other")
    cur.execute("SELECT DATABASE()")
    out.append(norm(cur.fetchall()))
    drv.select_db(conn, t.database)
    cur = drv.cursor(conn)
    cur.execute("SELECT DATABASE(), @a")
    out.append(norm(cur.fetchall()))
    # the temporary table lives in this session only
    other = drv.connect(t)
    ocur = other.cursor()
    try:
        ocur.execute("SELECT * FROM drv_tmp")
        out.append("temporary table visible in another session")
    except Exception as e:  # noqa: BLE001 - the error itself is the result
        out.append(["other session", drv.error_code(e)])
    other.close()
    conn.close()
    return out


def step_change_user(drv, t):
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("SET @gone = 1")
    cur.execute("CREATE TEMPORARY TABLE drv_cu (x INT)")
    done = drv.change_user(conn, t, t.database + "_other")
    if done is None:
        conn.close()
        return "not supported by the driver"
    cur = drv.cursor(conn)
    cur.execute("SELECT CURRENT_USER(), DATABASE(), @gone")
    out = norm(cur.fetchall())
    try:
        cur.execute("SELECT * FROM drv_cu")
        out.append("temporary table survived change user")
    except Exception as e:  # noqa: BLE001
        out.append(["temporary table after change user", drv.error_code(e)])
    conn.close()
    return out


def await_sleep(watcher, backend_id):
    """Waits until the connection with the server thread id runs its SELECT SLEEP."""
    wcur = watcher.cursor()
    for _ in range(300):
        wcur.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s AND INFO LIKE 'SELECT SLEEP%%'",
                     (backend_id,))
        if wcur.fetchall()[0][0] == 1:
            return
        time.sleep(0.05)
    raise AssertionError(f"the SLEEP of connection {backend_id} never showed in the process list")


def kill_query_scenario(drv, t, conn, killer, kill_id):
    """Runs SELECT SLEEP(20) on conn and KILL QUERY kill_id from killer; returns what each saw."""
    cur = drv.cursor(conn)
    cur.execute("SELECT CONNECTION_ID()")
    backend_id = cur.fetchall()[0][0]
    result = {}

    def sleeper():
        c = drv.cursor(conn)
        try:
            c.execute("SELECT SLEEP(20)")
            result["value"] = norm(c.fetchall())
        except Exception as e:  # noqa: BLE001
            result["error"] = drv.error_code(e)

    th = threading.Thread(target=sleeper)
    th.start()
    await_sleep(killer, backend_id)
    try:
        killer.cursor().execute(f"KILL QUERY {int(kill_id)}")
        kill = "KILL QUERY ok"
    except Exception as e:  # noqa: BLE001
        kill = ["KILL QUERY failed", drv.error_code(e)]
    th.join(30)
    if th.is_alive():
        raise AssertionError("the SLEEP did not end")
    cur = drv.cursor(conn)
    cur.execute("SELECT 'still usable'")
    return [kill, interrupted_or_not(result), norm(cur.fetchall())]


def interrupted_or_not(result):
    """The server reports an interrupted SLEEP either way, depending on where the kill finds the
    statement: ERROR 1317 (during execution) or the value 1 (SLEEP cut short). Both mean the query
    was interrupted; anything else is returned as it was."""
    if result.get("error") == 1317 or result.get("value") == [[1]]:
        return "interrupted"
    return sorted(result.items())


def step_kill_query(drv, t):
    """KILL QUERY with the id SELECT CONNECTION_ID() gave (through weir: the backend's thread id)."""
    conn, killer = drv.connect(t), drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("SELECT CONNECTION_ID()")
    out = kill_query_scenario(drv, t, conn, killer, cur.fetchall()[0][0])
    conn.close()
    killer.close()
    return out


def step_kill_query_handshake_id(drv, t):
    """KILL QUERY with the connection id of the handshake (through weir: weir's own id)."""
    conn, killer = drv.connect(t), drv.connect(t)
    out = kill_query_scenario(drv, t, conn, killer, drv.handshake_id(conn))
    conn.close()
    killer.close()
    return out


def step_kill_id_overlap(drv, t):
    """KILL QUERY <CONNECTION_ID() of the target> sent from a connection whose own handshake id is
    that same number, when there is one (through weir both id spaces start at 1): the target's query
    must be the one interrupted."""
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("SELECT CONNECTION_ID()")
    backend_id = cur.fetchall()[0][0]
    opened, killer = [], None
    for _ in range(300):
        c = drv.connect(t)
        opened.append(c)
        if drv.handshake_id(c) >= backend_id:
            killer = c
            break
    if killer is None:
        raise AssertionError("300 connections and none with a handshake id as large as the target's thread id")
    out = kill_query_scenario(drv, t, conn, killer, backend_id)
    for c in opened:
        c.close()
    conn.close()
    return out


def step_reconnect(drv, t, server):
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("SELECT CONNECTION_ID()")
    cid = cur.fetchall()[0][0]
    admin = drv.connect(server)  # the server itself, never through weir
    acur = admin.cursor()
    acur.execute(f"KILL CONNECTION {int(cid)}")
    admin.close()
    failed = False
    try:
        cur = drv.cursor(conn)
        cur.execute("SELECT 1")
        cur.fetchall()
    except Exception:  # noqa: BLE001 - a lost connection is what is expected here
        failed = True
    conn2 = drv.reconnect(conn) or drv.connect(t)
    cur = drv.cursor(conn2)
    cur.execute("SELECT 'back', CONNECTION_ID() <> %s", (cid,))
    rows = norm(cur.fetchall())
    conn2.close()
    return [["query on the killed connection failed", failed], rows]


def step_stale_after_wait_timeout(drv, t):
    """A connection left idle past its wait_timeout, then checked before use as a pool's pre-ping
    does (SQLAlchemy's pool_pre_ping: a ping, a new connection if it fails), then a transaction.
    Against the server the ping fails and the application reconnects; through weir the client's
    connection stays open (weir replaces its own link to the server and replays the session). Either
    way the transaction runs. Whether the connection was replaced is printed, not compared."""
    conn = drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("SET SESSION wait_timeout = 2")
    conn.ping()
    time.sleep(3.5)
    replaced = False
    try:
        conn.ping()
    except Exception:  # noqa: BLE001 - the check a pool makes before handing the connection out
        replaced = True
        conn = drv.reconnect(conn) or drv.connect(t)
    cur = drv.cursor(conn)
    cur.execute("BEGIN")
    cur.execute("SELECT 1")
    rows = norm(cur.fetchall())
    cur.execute("COMMIT")
    conn.close()
    print(f"     {drv.name} stale_after_wait_timeout on {t.host}:{t.port}: the ping failed and the "
          f"application reconnected: {replaced}")
    return ["transaction ok", rows]


STEPS = ["types", "big_blob", "call", "transactions", "session_state", "change_user", "kill_query_handshake_id",
         "kill_query", "kill_id_overlap", "reconnect",
         "stale_after_wait_timeout"]


def run(drv, t, server, steps):
    results = {}
    for s in steps:
        fn = globals()["step_" + s]
        try:
            results[s] = ("ok", fn(drv, t, server) if s == "reconnect" else fn(drv, t))
        except Exception as e:  # noqa: BLE001 - reported and compared below
            results[s] = ("error", f"{type(e).__name__}: {e}", traceback.format_exc())
    return results


def main(argv):
    only = skip = None
    args = argv[1:]
    driver_name = args.pop(0)
    while args and args[0].startswith("--"):
        flag, val = args.pop(0), args.pop(0)
        if flag == "--only":
            only = val.split(",")
        elif flag == "--skip":
            skip = val.split(",")
        else:
            raise SystemExit(f"unknown option {flag}")
    if len(args) != 10:
        raise SystemExit(__doc__)
    server = Target("server", *args[:5])
    proxy = Target("weir", *args[5:])
    steps = [s for s in STEPS if (only is None or s in only) and (skip is None or s not in skip)]
    drv = DRIVERS[driver_name]()
    failures = 0
    direct = run(drv, server, server, steps)
    through = run(drv, proxy, server, steps)
    for s in steps:
        d, w = direct[s], through[s]
        if d[0] != "ok":
            failures += 1
            print(f"FAIL {driver_name} {s}: error against the server itself: {d[1]}\n{d[2]}")
        elif w[0] != "ok":
            failures += 1
            print(f"FAIL {driver_name} {s}: error through weir only: {w[1]}\n{w[2]}")
        elif d[1] != w[1]:
            failures += 1
            print(f"FAIL {driver_name} {s}: results differ\n  server: {str(d[1])[:2000]}\n  weir:   {str(w[1])[:2000]}")
        else:
            print(f"ok   {driver_name} {s}: {str(d[1])[:160]}")
    print(f"{driver_name}: {len(steps) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
