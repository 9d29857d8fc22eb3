// Command drivers runs one scenario with github.com/go-sql-driver/mysql (database/sql; its prepared
// statements are server-side) against a MariaDB server directly and through weir, and compares the
// results step by step.
//
//	drivers [--only S1,S2] [--skip S1,S2] HOST PORT USER PASSWORD DATABASE HOST PORT USER PASSWORD DATABASE
//
// The first five connection arguments name the server itself, the last five weir in front of it.
// Exits 0 when every step gave the same result on both without an error, 1 otherwise.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

type target struct{ host, port, user, password, database string }

func (t target) dsn(db string) string {
	if db == "" {
		db = t.database
	}
	return fmt.Sprintf("%s:%s@tcp(%s:%s)/%s?charset=utf8mb4&parseTime=true&maxAllowedPacket=0&tls=false",
		t.user, t.password, t.host, t.port, db)
}

func open(t target) (*sql.DB, error) { return sql.Open("mysql", t.dsn("")) }

// norm turns a scanned value into text that compares the same whichever way it travelled.
func norm(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return "b:" + hex.EncodeToString(x)
	case time.Time:
		return "t:" + x.Format("2006-01-02T15:04:05.999999")
	default:
		return fmt.Sprintf("%T:%v", x, x)
	}
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func readRows(rows *sql.Rows) ([][]string, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = norm(v)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func query(ctx context.Context, q queryer, sqlText string, args ...any) ([][]string, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sqlText, err)
	}
	defer rows.Close()
	r, err := readRows(rows)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sqlText, err)
	}
	return r, nil
}

func exec(ctx context.Context, c *sql.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

func errCode(err error) string {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return fmt.Sprintf("error %d", me.Number)
	}
	if err == nil {
		return "no error"
	}
	return "client error"
}

type stepFn func(ctx context.Context, t, server target) (any, error)

func withConn(ctx context.Context, t target, f func(db *sql.DB, c *sql.Conn) (any, error)) (any, error) {
	db, err := open(t)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return f(db, c)
}

func stepTypes(ctx context.Context, t, _ target) (any, error) {
	return withConn(ctx, t, func(_ *sql.DB, c *sql.Conn) (any, error) {
		if err := exec(ctx, c, "DROP TABLE IF EXISTS drv_types",
			`CREATE TABLE drv_types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, bi BIGINT, ubi BIGINT UNSIGNED,
			 de DECIMAL(20,6), db DOUBLE, da DATE, dtm DATETIME(6), tm TIME(6),
			 vc VARCHAR(100) CHARACTER SET utf8mb4, bl BLOB, n INT NULL) DEFAULT CHARSET=utf8mb4`); err != nil {
			return nil, err
		}
		ins, err := c.PrepareContext(ctx, "INSERT INTO drv_types VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
		if err != nil {
			return nil, err
		}
		defer ins.Close()
		blob := bytes.Repeat([]byte{0, 1, 0xff, 0xfe}, 200)
		rowsIn := [][]any{
			{1, -128, -32768, int64(-9223372036854775808), uint64(18446744073709551615), "-12345678901234.123456",
				3.141592653589793, "1999-12-31", time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC),
				"-838:59:59", "plain ascii", blob, 7},
			{2, 127, 32767, int64(9223372036854775807), uint64(0), "0.000001", -1.5e-300, "2038-01-19",
				time.Date(1970, 1, 1, 0, 0, 0, 1000, time.UTC), "12:34:56.789", "utf8mb4: grüße, 日本語, emoji 🎉🐬",
				[]byte{}, nil},
			{3, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
		}
		for _, r := range rowsIn {
			if _, err := ins.ExecContext(ctx, r...); err != nil {
				return nil, fmt.Errorf("insert row %v: %w", r[0], err)
			}
		}
		sel, err := c.PrepareContext(ctx, "SELECT * FROM drv_types WHERE id = ?")
		if err != nil {
			return nil, err
		}
		defer sel.Close()
		var out [][][]string
		for i := 1; i <= 3; i++ {
			rows, err := sel.QueryContext(ctx, i)
			if err != nil {
				return nil, err
			}
			r, err := readRows(rows)
			rows.Close()
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		if got := out[1][0][10]; got != norm([]byte("utf8mb4: grüße, 日本語, emoji 🎉🐬")) {
			return nil, fmt.Errorf("utf8mb4 text came back as %s", got)
		}
		lit, err := query(ctx, c, "SELECT ?, ?, ?, ?", 42, "x🐬", nil, 1.5)
		if err != nil {
			return nil, err
		}
		text, err := query(ctx, c, "SELECT * FROM drv_types ORDER BY id") // text protocol
		if err != nil {
			return nil, err
		}
		return []any{out, lit, text}, nil
	})
}

func stepBigBlob(ctx context.Context, t, _ target) (any, error) {
	return withConn(ctx, t, func(_ *sql.DB, c *sql.Conn) (any, error) {
		if err := exec(ctx, c, "DROP TABLE IF EXISTS drv_big", "CREATE TABLE drv_big (id INT PRIMARY KEY, b LONGBLOB)"); err != nil {
			return nil, err
		}
		seed := sha256.Sum256([]byte("seed"))
		blob := append(bytes.Repeat(seed[:], 20*1024*1024/32), []byte("tail")...)
		if _, err := c.ExecContext(ctx, "INSERT INTO drv_big VALUES (?, ?)", 1, blob); err != nil {
			return nil, err
		}
		var back []byte
		var length int64
		var digest string
		if err := c.QueryRowContext(ctx, "SELECT b, LENGTH(b), SHA2(b, 256) FROM drv_big WHERE id = ?", 1).
			Scan(&back, &length, &digest); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(blob)
		if !bytes.Equal(back, blob) || digest != hex.EncodeToString(sum[:]) {
			return nil, fmt.Errorf("20 MB blob came back different: %d bytes instead of %d", len(back), len(blob))
		}
		return []any{len(back), length, digest}, nil
	})
}

func stepCall(ctx context.Context, t, _ target) (any, error) {
	return withConn(ctx, t, func(_ *sql.DB, c *sql.Conn) (any, error) {
		if err := exec(ctx, c, "DROP PROCEDURE IF EXISTS drv_two",
			"CREATE PROCEDURE drv_two(IN x INT) BEGIN SELECT x AS a, 'one' AS b; SELECT x * 2 AS c UNION ALL SELECT x * 3; END"); err != nil {
			return nil, err
		}
		var sets [][][]string
		for _, q := range []struct {
			sql  string
			args []any
		}{{"CALL drv_two(7)", nil}, {"CALL drv_two(?)", []any{8}}} {
			rows, err := c.QueryContext(ctx, q.sql, q.args...)
			if err != nil {
				return nil, err
			}
			for {
				r, err := readRows(rows)
				if err != nil {
					rows.Close()
					return nil, err
				}
				sets = append(sets, r)
				if !rows.NextResultSet() {
					break
				}
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
		}
		after, err := query(ctx, c, "SELECT 'after call'")
		if err != nil {
			return nil, err
		}
		if len(sets) < 4 {
			return nil, fmt.Errorf("two CALLs gave %d result sets, expected 2 each", len(sets))
		}
		return []any{sets, after}, nil
	})
}

func stepTransactions(ctx context.Context, t, _ target) (any, error) {
	return withConn(ctx, t, func(db *sql.DB, c *sql.Conn) (any, error) {
		if err := exec(ctx, c, "DROP TABLE IF EXISTS drv_tx", "CREATE TABLE drv_tx (id INT PRIMARY KEY) ENGINE=InnoDB"); err != nil {
			return nil, err
		}
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO drv_tx VALUES (?)", 1); err != nil {
			return nil, err
		}
		if err := tx.Rollback(); err != nil {
			return nil, err
		}
		tx, err = c.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO drv_tx VALUES (?)", 2); err != nil {
			return nil, err
		}
		inTx, err := query(ctx, tx, "SELECT @@in_transaction")
		if err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		seen, err := query(ctx, db, "SELECT id FROM drv_tx ORDER BY id")
		if err != nil {
			return nil, err
		}
		return []any{inTx, seen}, nil
	})
}

func stepSessionState(ctx context.Context, t, _ target) (any, error) {
	return withConn(ctx, t, func(db *sql.DB, c *sql.Conn) (any, error) {
		var out []any
		add := func(q string, args ...any) error {
			r, err := query(ctx, c, q, args...)
			out = append(out, r)
			return err
		}
		if err := exec(ctx, c, "SET @a = 41, @b = 'vär🐬'"); err != nil {
			return nil, err
		}
		if err := add("SELECT @a + 1, @b"); err != nil {
			return nil, err
		}
		if err := exec(ctx, c, "CREATE TEMPORARY TABLE drv_tmp (x INT)", "INSERT INTO drv_tmp VALUES (1), (2), (3)"); err != nil {
			return nil, err
		}
		if err := add("SELECT SUM(x) FROM drv_tmp WHERE x > ?", 0); err != nil {
			return nil, err
		}
		if err := exec(ctx, c, "DROP TABLE IF EXISTS drv_ai", "CREATE TABLE drv_ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT)"); err != nil {
			return nil, err
		}
		for _, q := range []string{"INSERT INTO drv_ai (v) VALUES (10)", "INSERT INTO drv_ai (v) VALUES (20), (30)"} {
			res, err := c.ExecContext(ctx, q)
			if err != nil {
				return nil, err
			}
			id, _ := res.LastInsertId()
			n, _ := res.RowsAffected()
			out = append(out, []int64{id, n})
		}
		res, err := c.ExecContext(ctx, "INSERT INTO drv_ai (v) VALUES (?)", 40) // prepared
		if err != nil {
			return nil, err
		}
		id, _ := res.LastInsertId()
		out = append(out, id)
		if err := add("SELECT LAST_INSERT_ID()"); err != nil {
			return nil, err
		}
		if err := add("SELECT CAST('12abc' AS SIGNED), 1/0"); err != nil {
			return nil, err
		}
		if err := add("SHOW WARNINGS"); err != nil {
			return nil, err
		}
		if err := exec(ctx, c, "USE "+t.database+"_other"); err != nil {
			return nil, err
		}
		if err := add("SELECT DATABASE(), @a"); err != nil {
			return nil, err
		}
		// the temporary table lives in this session only
		_, err = query(ctx, db, "SELECT * FROM "+t.database+".drv_tmp")
		out = append(out, "other session: "+errCode(err))
		return out, nil
	})
}

func stepKillQuery(ctx context.Context, t, _ target) (any, error) {
	return withConn(ctx, t, func(db *sql.DB, c *sql.Conn) (any, error) {
		var cid int64
		if err := c.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&cid); err != nil {
			return nil, err
		}
		done := make(chan string, 1)
		go func() {
			// The server reports an interrupted SLEEP either way, depending on where the kill finds
			// the statement: ERROR 1317 (during execution) or the value 1 (SLEEP cut short).
			r, err := query(ctx, c, "SELECT SLEEP(30)")
			if err != nil {
				if code := errCode(err); code == "error 1317" {
					done <- "interrupted"
				} else {
					done <- "sleep: " + code
				}
				return
			}
			if s := fmt.Sprint(r); s == "[[1]]" {
				done <- "interrupted"
				return
			}
			done <- fmt.Sprint("sleep returned ", r)
		}()
		killer, err := db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer killer.Close()
		seen := false
		for i := 0; i < 300 && !seen; i++ {
			var n int
			if err := killer.QueryRowContext(ctx,
				"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'", cid).Scan(&n); err != nil {
				return nil, fmt.Errorf("watching connection %d in the process list: %w", cid, err)
			}
			seen = n == 1
			if !seen {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if !seen {
			return nil, fmt.Errorf("the SLEEP of connection %d never showed in the process list", cid)
		}
		if _, err := killer.ExecContext(ctx, fmt.Sprintf("KILL QUERY %d", cid)); err != nil {
			return nil, fmt.Errorf("KILL QUERY %d from a second connection: %w", cid, err)
		}
		var outcome string
		select {
		case outcome = <-done:
		case <-time.After(25 * time.Second):
			return nil, errors.New("KILL QUERY did not stop the SLEEP")
		}
		after, err := query(ctx, c, "SELECT 'still usable'")
		if err != nil {
			return nil, err
		}
		return []any{outcome, after}, nil
	})
}

func stepReconnect(ctx context.Context, t, server target) (any, error) {
	db, err := open(t)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	var cid int64
	if err := db.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&cid); err != nil {
		return nil, err
	}
	admin, err := open(server) // the server itself, never through weir
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("KILL CONNECTION %d", cid)); err != nil {
		return nil, err
	}
	time.Sleep(200 * time.Millisecond)
	// The pool notices the dead connection (or the driver reports ErrBadConn) and dials again.
	var again int64
	var back string
	err = db.QueryRowContext(ctx, "SELECT 'back', CONNECTION_ID()").Scan(&back, &again)
	firstErr := errCode(err)
	if err != nil { // one failed query is allowed; the next must succeed on a new connection
		if err := db.QueryRowContext(ctx, "SELECT 'back', CONNECTION_ID()").Scan(&back, &again); err != nil {
			return nil, fmt.Errorf("no new connection after the kill: %w", err)
		}
	}
	if again == cid {
		return nil, fmt.Errorf("still on killed connection %d", cid)
	}
	// Against the server the pool notices the closed connection and the first query already runs on a
	// new one; an application sees no error.
	return []any{"first query after the kill: " + firstErr, back, again != cid}, nil
}

// stepStaleAfterWaitTimeout: a pooled connection left idle past its wait_timeout, then a transaction.
// Against the server the connection is closed and the driver's liveness check before reuse (a
// non-blocking read on the socket) makes database/sql dial a new one; through weir the client's
// connection stays open (weir replaces its own link to the server and replays the session). Either
// way the application sees no error. Whether the connection changed is printed, not compared.
func stepStaleAfterWaitTimeout(ctx context.Context, t, _ target) (any, error) {
	db, err := open(t)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var before int64
	if err := conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&before); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "SET SESSION wait_timeout = 2"); err != nil {
		return nil, err
	}
	if err := conn.PingContext(ctx); err != nil {
		return nil, err
	}
	conn.Close() // back to the pool
	time.Sleep(3500 * time.Millisecond)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("BEGIN after the idle close: %w", err)
	}
	var one, timeout int64
	if err := tx.QueryRowContext(ctx, "SELECT 1, @@session.wait_timeout").Scan(&one, &timeout); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	fmt.Printf("     go stale_after_wait_timeout on %s:%s: the application's connection was replaced by the pool: %v\n",
		t.host, t.port, timeout != 2)
	return []any{"BEGIN ok", one}, nil
}

var steps = []struct {
	name string
	fn   stepFn
}{
	{"types", stepTypes}, {"big_blob", stepBigBlob}, {"call", stepCall}, {"transactions", stepTransactions},
	{"session_state", stepSessionState}, {"kill_query", stepKillQuery}, {"reconnect", stepReconnect},
	{"stale_after_wait_timeout", stepStaleAfterWaitTimeout},
}

type outcome struct {
	value any
	err   error
}

func main() {
	args := os.Args[1:]
	var only, skip map[string]bool
	for len(args) >= 2 && strings.HasPrefix(args[0], "--") {
		set := map[string]bool{}
		for _, s := range strings.Split(args[1], ",") {
			set[s] = true
		}
		switch args[0] {
		case "--only":
			only = set
		case "--skip":
			skip = set
		default:
			fmt.Fprintln(os.Stderr, "unknown option", args[0])
			os.Exit(2)
		}
		args = args[2:]
	}
	if len(args) != 10 {
		fmt.Fprintln(os.Stderr, "usage: drivers [--only S] [--skip S] HOST PORT USER PASSWORD DATABASE HOST PORT USER PASSWORD DATABASE")
		os.Exit(2)
	}
	server := target{args[0], args[1], args[2], args[3], args[4]}
	proxy := target{args[5], args[6], args[7], args[8], args[9]}
	_ = mysql.SetLogger(mysql.Logger(nopLogger{}))
	ctx := context.Background()
	passed, failed := 0, 0
	for _, s := range steps {
		if (only != nil && !only[s.name]) || (skip != nil && skip[s.name]) {
			continue
		}
		var d, w outcome
		d.value, d.err = s.fn(ctx, server, server)
		w.value, w.err = s.fn(ctx, proxy, server)
		switch {
		case d.err != nil:
			fmt.Printf("FAIL go %s: error against the server itself: %v\n", s.name, d.err)
		case w.err != nil:
			fmt.Printf("FAIL go %s: error through weir only: %v\n", s.name, w.err)
		case !reflect.DeepEqual(d.value, w.value):
			fmt.Printf("FAIL go %s: results differ\n  server: %s\n  weir:   %s\n", s.name, clip(d.value, 2000), clip(w.value, 2000))
		default:
			fmt.Printf("ok   go %s: %s\n", s.name, clip(d.value, 160))
			passed++
			continue
		}
		failed++
	}
	fmt.Printf("go: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

func clip(v any, n int) string {
	s := fmt.Sprint(v)
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

type nopLogger struct{}

func (nopLogger) Print(...any) {}
