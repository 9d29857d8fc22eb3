'use strict';
// mysql2 against a MariaDB server directly and through weir: the same scenario on both, the results
// compared step by step. `execute` is a server-side prepared statement, `query` the text protocol.
//
//   node suite.js [--only S1,S2] [--skip S1,S2] HOST PORT USER PASSWORD DATABASE HOST PORT USER PASSWORD DATABASE
//
// The first five connection arguments name the server itself, the last five weir in front of it.
// Exits 0 when every step gave the same result on both without an error, 1 otherwise.
const crypto = require('node:crypto');
const assert = require('node:assert/strict');
const { isDeepStrictEqual, inspect } = require('node:util');
const mysql = require('mysql2/promise');

const options = (t, extra = {}) => ({
  host: t.host, port: Number(t.port), user: t.user, password: t.password, database: t.database,
  charset: 'utf8mb4_general_ci', supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
  connectTimeout: 20000, ...extra,
});
const connect = (t, extra) => mysql.createConnection(options(t, extra));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function norm(v) {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return 'b:' + v.toString('hex');
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === 'object') {
    if (v.constructor && v.constructor.name === 'ResultSetHeader') {
      return { affectedRows: v.affectedRows, insertId: String(v.insertId), warningStatus: v.warningStatus };
    }
    const o = {};
    for (const k of Object.keys(v)) o[k] = norm(v[k]);
    return o;
  }
  return typeof v + ':' + String(v);
}

async function types(t) {
  const c = await connect(t);
  try {
    await c.query('DROP TABLE IF EXISTS drv_types');
    await c.query(`CREATE TABLE drv_types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, bi BIGINT,
      ubi BIGINT UNSIGNED, de DECIMAL(20,6), db DOUBLE, da DATE, dtm DATETIME(6), tm TIME(6),
      vc VARCHAR(100) CHARACTER SET utf8mb4, bl BLOB, n INT NULL) DEFAULT CHARSET=utf8mb4`);
    const blob = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7) & 0xff));
    const rows = [
      [1, -128, -32768, '-9223372036854775808', '18446744073709551615', '-12345678901234.123456', Math.PI,
        '1999-12-31', '2024-02-29 23:59:58.123456', '-838:59:59', 'plain ascii', blob, 7],
      [2, 127, 32767, '9223372036854775807', '0', '0.000001', -1.5e-300, '2038-01-19',
        '1970-01-02 00:00:00.000001', '12:34:56.789', 'utf8mb4: grüße, 日本語, emoji 🎉🐬', Buffer.alloc(0), null],
      [3, null, null, null, null, null, null, null, null, null, null, null, null],
    ];
    for (const r of rows) await c.execute('INSERT INTO drv_types VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', r);
    const out = [];
    for (const id of [1, 2, 3]) {
      const [got] = await c.execute('SELECT * FROM drv_types WHERE id = ?', [id]);
      out.push(norm(got));
    }
    const [two] = await c.execute('SELECT vc, db, bl FROM drv_types WHERE id = ?', [2]);
    assert.equal(two[0].vc, 'utf8mb4: grüße, 日本語, emoji 🎉🐬');
    assert.equal(two[0].db, -1.5e-300);
    const [one] = await c.execute('SELECT bl FROM drv_types WHERE id = ?', [1]);
    assert.ok(one[0].bl.equals(blob), 'blob came back different');
    const [text] = await c.query('SELECT * FROM drv_types ORDER BY id');
    out.push(norm(text));
    const [lit] = await c.execute('SELECT ? AS a, ? AS b, ? AS c', [42, 'x🐬', null]);
    out.push(norm(lit));
    return out;
  } finally {
    await c.end();
  }
}

async function bigBlob(t) {
  const c = await connect(t);
  try {
    await c.query('DROP TABLE IF EXISTS drv_big');
    await c.query('CREATE TABLE drv_big (id INT PRIMARY KEY, b LONGBLOB)');
    const seed = crypto.createHash('sha256').update('seed').digest();
    const blob = Buffer.concat([Buffer.alloc(20 * 1024 * 1024, seed), Buffer.from('tail')]);
    const want = crypto.createHash('sha256').update(blob).digest('hex');
    await c.execute('INSERT INTO drv_big VALUES (?, ?)', [1, blob]);
    const [rows] = await c.execute('SELECT b, LENGTH(b) AS len, SHA2(b, 256) AS h FROM drv_big WHERE id = ?', [1]);
    assert.ok(rows[0].b.equals(blob), `20 MB blob came back different: ${rows[0].b.length} bytes`);
    assert.equal(rows[0].h, want);
    const [text] = await c.query('SELECT b FROM drv_big WHERE id = 1');
    assert.ok(text[0].b.equals(blob), '20 MB blob came back different over the text protocol');
    return [rows[0].b.length, String(rows[0].len), rows[0].h];
  } finally {
    await c.end();
  }
}

async function call(t) {
  const c = await connect(t);
  try {
    await c.query('DROP PROCEDURE IF EXISTS drv_two');
    await c.query("CREATE PROCEDURE drv_two(IN x INT) BEGIN SELECT x AS a, 'one' AS b; " +
      'SELECT x * 2 AS c UNION ALL SELECT x * 3; END');
    const [q] = await c.query('CALL drv_two(7)');
    const [e] = await c.execute('CALL drv_two(?)', [8]);
    assert.equal(q.length, 3, 'CALL over the text protocol: two result sets and the final OK expected');
    const [after] = await c.query("SELECT 'after call' AS x");
    return [norm(q), norm(e), norm(after)];
  } finally {
    await c.end();
  }
}

async function transactions(t) {
  const c = await connect(t);
  const other = await connect(t);
  try {
    await c.query('DROP TABLE IF EXISTS drv_tx');
    await c.query('CREATE TABLE drv_tx (id INT PRIMARY KEY) ENGINE=InnoDB');
    await c.beginTransaction();
    await c.execute('INSERT INTO drv_tx VALUES (?)', [1]);
    await c.rollback();
    await c.beginTransaction();
    await c.execute('INSERT INTO drv_tx VALUES (?)', [2]);
    const [invisible] = await other.query('SELECT COUNT(*) AS n FROM drv_tx');
    await c.commit();
    const [visible] = await other.query('SELECT id FROM drv_tx ORDER BY id');
    return [norm(invisible), norm(visible)];
  } finally {
    await c.end();
    await other.end();
  }
}

async function sessionState(t) {
  const c = await connect(t);
  try {
    const out = [];
    await c.query("SET @a = 41, @b = 'vär🐬'");
    out.push(norm((await c.query('SELECT @a + 1 AS a, @b AS b'))[0]));
    await c.query('CREATE TEMPORARY TABLE drv_tmp (x INT)');
    await c.query('INSERT INTO drv_tmp VALUES (1), (2), (3)');
    out.push(norm((await c.execute('SELECT SUM(x) AS s FROM drv_tmp WHERE x > ?', [0]))[0]));
    await c.query('DROP TABLE IF EXISTS drv_ai');
    await c.query('CREATE TABLE drv_ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    out.push(norm((await c.query('INSERT INTO drv_ai (v) VALUES (10)'))[0]));
    out.push(norm((await c.execute('INSERT INTO drv_ai (v) VALUES (?), (?)', [20, 30]))[0]));
    out.push(norm((await c.query('SELECT LAST_INSERT_ID() AS id'))[0]));
    const [w, wf] = await c.query("SELECT CAST('12abc' AS SIGNED) AS a, 1/0 AS b");
    out.push(norm(w), wf.map((f) => f.name));
    out.push(norm((await c.query('SHOW WARNINGS'))[0]));
    out.push(norm((await c.query('SELECT @@warning_count AS n'))[0]));
    await c.query(`USE ${t.database}_other`);
    out.push(norm((await c.query('SELECT DATABASE() AS d, @a AS a'))[0]));
    const other = await connect(t);
    try {
      await other.query('SELECT * FROM drv_tmp');
      out.push('temporary table visible in another session');
    } catch (e) {
      out.push('other session: ' + e.errno);
    } finally {
      await other.end();
    }
    return out;
  } finally {
    await c.end();
  }
}

async function changeUser(t) {
  const c = await connect(t);
  try {
    await c.query('SET @gone = 1');
    await c.query('CREATE TEMPORARY TABLE drv_cu (x INT)');
    await c.changeUser({ user: t.user, password: t.password, database: `${t.database}_other` });
    const out = [norm((await c.query('SELECT CURRENT_USER() AS u, DATABASE() AS d, @gone AS g'))[0])];
    try {
      await c.query('SELECT * FROM drv_cu');
      out.push('temporary table survived change user');
    } catch (e) {
      out.push('temporary table after change user: ' + e.errno);
    }
    out.push(norm((await c.execute('SELECT ? + 1 AS x', [1]))[0]));
    return out;
  } finally {
    await c.end();
  }
}

// KILL QUERY from a second connection, with the id SELECT CONNECTION_ID() gave (through weir: the
// backend's thread id) or the one of the handshake (through weir: weir's own id).
async function killQuery(t, byHandshakeId) {
  const c = await connect(t);
  const killer = await connect(t);
  try {
    const [[{ id }]] = await c.query('SELECT CONNECTION_ID() AS id');
    const killId = byHandshakeId ? c.connection.threadId : id;
    // The server reports an interrupted SLEEP either way, depending on where the kill finds the
    // statement: ERROR 1317 (during execution) or the value 1 (SLEEP cut short).
    const sleeping = c.query('SELECT SLEEP(30) AS s').then(
      ([rows]) => (rows.length === 1 && Number(rows[0].s) === 1 ? 'interrupted' : 'sleep returned ' + JSON.stringify(rows)),
      (e) => (e.errno === 1317 ? 'interrupted' : 'sleep failed: ' + e.errno));
    let seen = false;
    for (let i = 0; i < 300 && !seen; i++) {
      const [[{ n }]] = await killer.execute(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'", [id]);
      seen = Number(n) === 1;
      if (!seen) await sleep(50);
    }
    assert.ok(seen, `the SLEEP of connection ${id} never showed in the process list`);
    let kill = 'KILL QUERY ok';
    try {
      await killer.query(`KILL QUERY ${Number(killId)}`);
    } catch (e) {
      kill = 'KILL QUERY failed: ' + e.errno;
    }
    const outcome = await Promise.race([sleeping, sleep(35000).then(() => 'the SLEEP did not end')]);
    return [kill, outcome, norm((await c.query("SELECT 'still usable' AS x"))[0])];
  } finally {
    await c.end();
    await killer.end();
  }
}

async function reconnect(t, server) {
  const pool = mysql.createPool(options(t, { connectionLimit: 1 }));
  try {
    const [[{ id }]] = await pool.query('SELECT CONNECTION_ID() AS id');
    const admin = await connect(server); // the server itself, never through weir
    await admin.query(`KILL CONNECTION ${Number(id)}`);
    await admin.end();
    await sleep(300);
    let rows;
    try {
      [rows] = await pool.query("SELECT 'back' AS x, CONNECTION_ID() AS id");
    } catch (e) { // one failed query is allowed; the pool must then open a new connection
      [rows] = await pool.query("SELECT 'back' AS x, CONNECTION_ID() AS id");
    }
    return [rows[0].x, String(rows[0].id) !== String(id)];
  } finally {
    await pool.end();
  }
}

const STEPS = { types, big_blob: bigBlob, call, transactions, session_state: sessionState,
  change_user: changeUser, kill_query_handshake_id: (t) => killQuery(t, true), kill_query: (t) => killQuery(t, false),
  reconnect };

async function main() {
  const args = process.argv.slice(2);
  let only = null;
  let skip = null;
  while (args.length >= 2 && args[0].startsWith('--')) {
    const flag = args.shift();
    const set = new Set(args.shift().split(','));
    if (flag === '--only') only = set;
    else if (flag === '--skip') skip = set;
    else throw new Error('unknown option ' + flag);
  }
  if (args.length !== 10) {
    console.error('usage: suite.js [--only S] [--skip S] HOST PORT USER PASSWORD DATABASE HOST PORT USER PASSWORD DATABASE');
    process.exit(2);
  }
  const mk = (a) => ({ host: a[0], port: a[1], user: a[2], password: a[3], database: a[4] });
  const server = mk(args.slice(0, 5));
  const proxy = mk(args.slice(5));
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of Object.entries(STEPS)) {
    if ((only && !only.has(name)) || (skip && skip.has(name))) continue;
    let d;
    let w;
    try {
      d = await fn(server, server);
    } catch (e) {
      console.log(`FAIL mysql2 ${name}: error against the server itself: ${e.stack}`);
      failed++;
      continue;
    }
    try {
      w = await fn(proxy, server);
    } catch (e) {
      console.log(`FAIL mysql2 ${name}: error through weir only: ${e.stack}`);
      failed++;
      continue;
    }
    if (!isDeepStrictEqual(d, w)) {
      const show = (x) => inspect(x, { depth: 8, breakLength: Infinity }).slice(0, 2000);
      console.log(`FAIL mysql2 ${name}: results differ\n  server: ${show(d)}\n  weir:   ${show(w)}`);
      failed++;
    } else {
      console.log(`ok   mysql2 ${name}: ${inspect(d, { depth: 8, breakLength: Infinity }).slice(0, 160)}`);
      passed++;
    }
  }
  console.log(`mysql2: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
