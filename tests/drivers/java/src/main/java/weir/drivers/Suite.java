package weir.drivers;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One JDBC driver against a MariaDB server directly and through weir: the same scenario on both,
 * the results compared step by step. Server-side prepared statements are on for both drivers.
 *
 * <pre>Suite DRIVER [--only S1,S2] [--skip S1,S2] HOST PORT USER PASSWORD DATABASE HOST PORT USER PASSWORD DATABASE</pre>
 *
 * DRIVER is mariadb (MariaDB Connector/J) or mysql (MySQL Connector/J). The first five connection
 * arguments name the server itself, the last five weir in front of it. Exits 0 when every step gave
 * the same result on both without an error, 1 otherwise.
 */
public final class Suite {
  record Target(String host, String port, String user, String password, String database) {}

  interface Step {
    Object run(Target t, Target server) throws Exception;
  }

  private final String driver;

  private Suite(String driver) {
    this.driver = driver;
  }

  Connection connect(Target t) throws SQLException {
    return connect(t, t.database());
  }

  Connection connect(Target t, String db) throws SQLException {
    String url;
    if (driver.equals("mariadb")) {
      url = "jdbc:mariadb://" + t.host() + ":" + t.port() + "/" + db
          + "?useServerPrepStmts=true&sslMode=disable&connectTimeout=20000";
    } else {
      url = "jdbc:mysql://" + t.host() + ":" + t.port() + "/" + db
          + "?useServerPrepStmts=true&sslMode=DISABLED&characterEncoding=UTF-8&connectTimeout=20000"
          + "&allowPublicKeyRetrieval=true&maxAllowedPacket=67108864";
    }
    return DriverManager.getConnection(url, t.user(), t.password());
  }

  static String norm(Object v) {
    if (v == null) return "NULL";
    if (v instanceof byte[] b) return "b:" + HexFormat.of().formatHex(b);
    return v.getClass().getSimpleName() + ":" + v;
  }

  static List<List<String>> rows(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<List<String>> out = new ArrayList<>();
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        // getString is the application's most common read; getBytes keeps binary exact
        int type = md.getColumnType(i);
        boolean binary = type == Types.BLOB || type == Types.LONGVARBINARY || type == Types.VARBINARY
            || type == Types.BINARY;
        row.add(norm(binary ? rs.getBytes(i) : rs.getString(i)));
      }
      out.add(row);
    }
    return out;
  }

  static List<List<String>> query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    }
  }

  static List<List<String>> prepared(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        return rows(rs);
      }
    }
  }

  static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) s.execute(q);
    }
  }

  static List<String> warnings(SQLWarning w) {
    List<String> out = new ArrayList<>();
    for (; w != null; w = w.getNextWarning()) out.add(w.getErrorCode() + " " + w.getMessage());
    return out;
  }

  Object types(Target t, Target server) throws Exception {
    try (Connection c = connect(t)) {
      exec(c, "DROP TABLE IF EXISTS drv_types",
          "CREATE TABLE drv_types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, bi BIGINT, ubi BIGINT UNSIGNED,"
              + " de DECIMAL(20,6), db DOUBLE, da DATE, dtm DATETIME(6), tm TIME(6),"
              + " vc VARCHAR(100) CHARACTER SET utf8mb4, bl BLOB, n INT NULL) DEFAULT CHARSET=utf8mb4");
      byte[] blob = new byte[600];
      for (int i = 0; i < blob.length; i++) blob[i] = (byte) (i * 7);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO drv_types VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setInt(1, 1);
        ps.setByte(2, (byte) -128);
        ps.setShort(3, (short) -32768);
        ps.setLong(4, Long.MIN_VALUE);
        ps.setBigDecimal(5, new BigDecimal("18446744073709551615"));
        ps.setBigDecimal(6, new BigDecimal("-12345678901234.123456"));
        ps.setDouble(7, Math.PI);
        ps.setObject(8, LocalDate.of(1999, 12, 31));
        ps.setObject(9, LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123456000));
        ps.setString(10, "-838:59:59");
        ps.setString(11, "plain ascii");
        ps.setBytes(12, blob);
        ps.setInt(13, 7);
        ps.executeUpdate();
        ps.setInt(1, 2);
        ps.setByte(2, (byte) 127);
        ps.setShort(3, (short) 32767);
        ps.setLong(4, Long.MAX_VALUE);
        ps.setLong(5, 0);
        ps.setBigDecimal(6, new BigDecimal("0.000001"));
        ps.setDouble(7, -1.5e-300);
        ps.setObject(8, LocalDate.of(2038, 1, 19));
        ps.setObject(9, LocalDateTime.of(1970, 1, 2, 0, 0, 0, 1000));
        ps.setString(10, "12:34:56.789");
        ps.setString(11, "utf8mb4: grüße, 日本語, emoji 🎉🐬");
        ps.setBytes(12, new byte[0]);
        ps.setNull(13, Types.INTEGER);
        ps.executeUpdate();
        ps.setInt(1, 3);
        for (int i = 2; i <= 13; i++) ps.setNull(i, Types.NULL);
        ps.executeUpdate();
      }
      List<Object> out = new ArrayList<>();
      for (int i = 1; i <= 3; i++) out.add(prepared(c, "SELECT * FROM drv_types WHERE id = ?", i));
      try (PreparedStatement ps = c.prepareStatement("SELECT vc, db, de, dtm FROM drv_types WHERE id = ?")) {
        ps.setInt(1, 2);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (!"utf8mb4: grüße, 日本語, emoji 🎉🐬".equals(rs.getString(1)))
            throw new AssertionError("utf8mb4 text came back as " + rs.getString(1));
          if (rs.getDouble(2) != -1.5e-300) throw new AssertionError("double came back as " + rs.getDouble(2));
          if (rs.getBigDecimal(3).compareTo(new BigDecimal("0.000001")) != 0)
            throw new AssertionError("decimal came back as " + rs.getBigDecimal(3));
          out.add(List.of(rs.getObject(4, LocalDateTime.class).toString()));
        }
      }
      out.add(query(c, "SELECT * FROM drv_types ORDER BY id")); // text protocol
      out.add(prepared(c, "SELECT ?, ?, ?", 42, "x🐬", new BigDecimal("1.50")));
      return out;
    }
  }

  Object bigBlob(Target t, Target server) throws Exception {
    try (Connection c = connect(t)) {
      exec(c, "DROP TABLE IF EXISTS drv_big", "CREATE TABLE drv_big (id INT PRIMARY KEY, b LONGBLOB)");
      byte[] seed = MessageDigest.getInstance("SHA-256").digest("seed".getBytes(StandardCharsets.UTF_8));
      byte[] blob = new byte[20 * 1024 * 1024 + 4];
      for (int i = 0; i < blob.length - 4; i++) blob[i] = seed[i % 32];
      System.arraycopy("tail".getBytes(StandardCharsets.UTF_8), 0, blob, blob.length - 4, 4);
      String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO drv_big VALUES (?, ?)")) {
        ps.setInt(1, 1);
        ps.setBytes(2, blob);
        ps.executeUpdate();
        ps.setInt(1, 2); // a stream: sent in pieces (COM_STMT_SEND_LONG_DATA where the driver does that)
        ps.setBinaryStream(2, new ByteArrayInputStream(blob), blob.length);
        ps.executeUpdate();
      }
      List<Object> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT b, LENGTH(b), SHA2(b, 256) FROM drv_big WHERE id = ?")) {
        for (int id = 1; id <= 2; id++) {
          ps.setInt(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            byte[] back = rs.getBytes(1);
            if (!Arrays.equals(back, blob) || !want.equals(rs.getString(3)))
              throw new AssertionError("20 MB blob " + id + " came back different: " + back.length + " bytes");
            out.add(List.of(back.length, rs.getLong(2), rs.getString(3)));
          }
        }
      }
      return out;
    }
  }

  Object call(Target t, Target server) throws Exception {
    try (Connection c = connect(t)) {
      exec(c, "DROP PROCEDURE IF EXISTS drv_two",
          "CREATE PROCEDURE drv_two(IN x INT) BEGIN SELECT x AS a, 'one' AS b; SELECT x * 2 AS c UNION ALL SELECT x * 3; END");
      List<Object> sets = new ArrayList<>();
      try (Statement s = c.createStatement()) {
        boolean isRs = s.execute("CALL drv_two(7)");
        while (true) {
          if (isRs) {
            try (ResultSet rs = s.getResultSet()) {
              sets.add(rows(rs));
            }
          } else if (s.getUpdateCount() == -1) {
            break;
          }
          isRs = s.getMoreResults();
        }
      }
      try (CallableStatement cs = c.prepareCall("{call drv_two(?)}")) {
        cs.setInt(1, 8);
        boolean isRs = cs.execute();
        while (true) {
          if (isRs) {
            try (ResultSet rs = cs.getResultSet()) {
              sets.add(rows(rs));
            }
          } else if (cs.getUpdateCount() == -1) {
            break;
          }
          isRs = cs.getMoreResults();
        }
      }
      if (sets.size() != 4) throw new AssertionError("two CALLs gave " + sets.size() + " result sets, expected 4");
      sets.add(query(c, "SELECT 'after call'"));
      return sets;
    }
  }

  Object transactions(Target t, Target server) throws Exception {
    try (Connection c = connect(t); Connection other = connect(t)) {
      exec(c, "DROP TABLE IF EXISTS drv_tx", "CREATE TABLE drv_tx (id INT PRIMARY KEY) ENGINE=InnoDB");
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO drv_tx VALUES (?)")) {
        ps.setInt(1, 1);
        ps.executeUpdate();
        c.rollback();
        ps.setInt(1, 2);
        ps.executeUpdate();
        List<List<String>> invisible = query(other, "SELECT COUNT(*) FROM drv_tx");
        c.commit();
        c.setAutoCommit(true);
        List<List<String>> visible = query(other, "SELECT id FROM drv_tx ORDER BY id");
        return List.of(invisible, visible, query(c, "SELECT @@autocommit, @@in_transaction"));
      }
    }
  }

  Object sessionState(Target t, Target server) throws Exception {
    try (Connection c = connect(t)) {
      List<Object> out = new ArrayList<>();
      exec(c, "SET @a = 41, @b = 'vär🐬'");
      out.add(query(c, "SELECT @a + 1, @b"));
      exec(c, "CREATE TEMPORARY TABLE drv_tmp (x INT)", "INSERT INTO drv_tmp VALUES (1), (2), (3)");
      out.add(prepared(c, "SELECT SUM(x) FROM drv_tmp WHERE x > ?", 0));
      exec(c, "DROP TABLE IF EXISTS drv_ai", "CREATE TABLE drv_ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO drv_ai (v) VALUES (?), (?)",
          Statement.RETURN_GENERATED_KEYS)) {
        for (int round = 0; round < 2; round++) {
          ps.setInt(1, 10 + round);
          ps.setInt(2, 20 + round);
          out.add("rows " + ps.executeUpdate());
          try (ResultSet keys = ps.getGeneratedKeys()) {
            keys.next();
            out.add("first key " + keys.getLong(1));
          }
        }
      }
      out.add(query(c, "SELECT LAST_INSERT_ID()"));
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CAST('12abc' AS SIGNED), 1/0")) {
        out.add(rows(rs));
        out.add(warnings(s.getWarnings()));
      }
      out.add(query(c, "SHOW WARNINGS"));
      exec(c, "USE " + t.database() + "_other");
      out.add(query(c, "SELECT DATABASE(), @a"));
      out.add(c.getCatalog());
      c.setCatalog(t.database());
      out.add(query(c, "SELECT DATABASE(), @a"));
      try (Connection other = connect(t)) {
        query(other, "SELECT * FROM drv_tmp");
        out.add("temporary table visible in another session");
      } catch (SQLException e) {
        out.add("other session: " + e.getErrorCode());
      }
      return out;
    }
  }

  Object changeUser(Target t, Target server) throws Exception {
    try (Connection c = connect(t)) {
      exec(c, "SET @gone = 1", "CREATE TEMPORARY TABLE drv_cu (x INT)");
      List<Object> out = new ArrayList<>();
      if (driver.equals("mysql")) {
        c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).changeUser(t.user(), t.password());
        out.add("changeUser");
      } else {
        // MariaDB Connector/J has no changeUser; its reset() sends COM_RESET_CONNECTION.
        c.unwrap(org.mariadb.jdbc.Connection.class).reset();
        out.add("reset");
      }
      out.add(query(c, "SELECT CURRENT_USER(), DATABASE(), @gone"));
      try {
        query(c, "SELECT * FROM drv_cu");
        out.add("temporary table survived");
      } catch (SQLException e) {
        out.add("temporary table gone: " + e.getErrorCode());
      }
      out.add(prepared(c, "SELECT ? + 1", 1));
      return out;
    }
  }

  static long connectionId(Connection c) throws SQLException {
    return Long.parseLong(query(c, "SELECT CONNECTION_ID()").get(0).get(0).substring("String:".length()));
  }

  static void awaitSleep(Connection watcher, long id) throws Exception {
    for (int i = 0; i < 300; i++) {
      List<List<String>> r = prepared(watcher,
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'", id);
      if (r.get(0).get(0).endsWith(":1")) return;
      Thread.sleep(50);
    }
    throw new AssertionError("the SLEEP of connection " + id + " never showed in the process list");
  }

  /**
   * The server reports an interrupted SLEEP either way, depending on where the kill finds the
   * statement: ERROR 1317 (during execution) or the value 1 (SLEEP cut short). Both are "interrupted".
   */
  static String sleepOutcome(Statement s) {
    try (ResultSet rs = s.executeQuery("SELECT SLEEP(30)")) {
      List<List<String>> r = rows(rs);
      return r.equals(List.of(List.of("1"))) ? "interrupted" : "sleep returned " + r;
    } catch (SQLException e) {
      return e.getErrorCode() == 1317 ? "interrupted" : "sleep failed: " + e.getErrorCode();
    }
  }

  /** The connection id the handshake announced (through weir: weir's own id). */
  long handshakeId(Connection c) throws SQLException {
    if (driver.equals("mysql")) return c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
    return c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
  }

  /** KILL QUERY from a second connection, with the id SELECT CONNECTION_ID() gave or the handshake's. */
  Object killQuery(Target t, boolean byHandshakeId) throws Exception {
    try (Connection c = connect(t); Connection killer = connect(t); Statement s = c.createStatement()) {
      long id = connectionId(c);
      long killId = byHandshakeId ? handshakeId(c) : id;
      CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> sleepOutcome(s));
      awaitSleep(killer, id);
      String kill;
      try {
        exec(killer, "KILL QUERY " + killId);
        kill = "KILL QUERY ok";
      } catch (SQLException e) {
        kill = "KILL QUERY failed: " + e.getErrorCode();
      }
      String outcome = f.get(35, TimeUnit.SECONDS);
      return List.of(kill, outcome, query(c, "SELECT 'still usable'"));
    }
  }

  /** Statement.cancel(): the driver opens a connection of its own and kills by the handshake's thread id. */
  Object cancel(Target t, Target server) throws Exception {
    try (Connection c = connect(t); Connection watcher = connect(t); Statement s = c.createStatement()) {
      long id = connectionId(c);
      CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> sleepOutcome(s));
      awaitSleep(watcher, id);
      s.cancel();
      String outcome = f.get(25, TimeUnit.SECONDS);
      // Which error the statement gets (1317, or the driver's own "cancelled" one with code 0) depends
      // on whether the KILL's OK on the other connection arrived first: a race on the server too.
      if (outcome.startsWith("sleep failed")) outcome = "interrupted";
      return List.of(outcome, query(c, "SELECT 'still usable'"));
    }
  }

  Object reconnect(Target t, Target server) throws Exception {
    List<Object> out = new ArrayList<>();
    try (Connection c = connect(t)) {
      long id = connectionId(c);
      try (Connection admin = connect(server)) { // the server itself, never through weir
        exec(admin, "KILL CONNECTION " + id);
      }
      Thread.sleep(200);
      try {
        query(c, "SELECT 1");
        out.add("query on the killed connection worked");
      } catch (SQLException e) {
        out.add("query on the killed connection failed");
      }
      out.add("valid " + c.isValid(5));
      try (Connection fresh = connect(t)) {
        out.add(query(fresh, "SELECT 'back'"));
        out.add("new id " + (connectionId(fresh) != id));
      }
    }
    return out;
  }

  // A connection left idle past its wait_timeout, checked before use as a pool does (isValid, a new
  // connection if it is not), then a transaction. Against the server isValid is false and the
  // application reconnects; through weir the client's connection stays valid (weir replaces its own
  // link to the server and replays the session). Whether it was replaced is printed, not compared.
  Object staleAfterWaitTimeout(Target t, Target server) throws Exception {
    Connection c = connect(t);
    try {
      exec(c, "SET SESSION wait_timeout = 2");
      query(c, "SELECT 1");
      Thread.sleep(3500);
      boolean valid = c.isValid(5);
      if (!valid) {
        c.close();
        c = connect(t);
      }
      c.setAutoCommit(false);
      Object rows = query(c, "SELECT 1");
      c.commit();
      c.setAutoCommit(true);
      System.out.println("     " + driver + " stale_after_wait_timeout on " + t.host() + ":" + t.port()
          + ": isValid was false and the application reconnected: " + !valid);
      return List.of("transaction ok", rows);
    } finally {
      c.close();
    }
  }

  public static void main(String[] argv) throws Exception {
    List<String> args = new ArrayList<>(Arrays.asList(argv));
    String driver = args.remove(0);
    Set<String> only = null;
    Set<String> skip = null;
    while (args.size() >= 2 && args.get(0).startsWith("--")) {
      String flag = args.remove(0);
      Set<String> set = Set.of(args.remove(0).split(","));
      if (flag.equals("--only")) only = set;
      else if (flag.equals("--skip")) skip = set;
      else throw new IllegalArgumentException("unknown option " + flag);
    }
    if (args.size() != 10 || !(driver.equals("mariadb") || driver.equals("mysql"))) {
      System.err.println("usage: Suite mariadb|mysql [--only S] [--skip S] HOST PORT USER PASSWORD DATABASE HOST PORT USER PASSWORD DATABASE");
      System.exit(2);
    }
    Target server = new Target(args.get(0), args.get(1), args.get(2), args.get(3), args.get(4));
    Target proxy = new Target(args.get(5), args.get(6), args.get(7), args.get(8), args.get(9));
    Suite suite = new Suite(driver);
    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put("types", suite::types);
    steps.put("big_blob", suite::bigBlob);
    steps.put("call", suite::call);
    steps.put("transactions", suite::transactions);
    steps.put("session_state", suite::sessionState);
    steps.put("change_user", suite::changeUser);
    steps.put("kill_query_handshake_id", (t, srv) -> suite.killQuery(t, true));
    steps.put("kill_query", (t, srv) -> suite.killQuery(t, false));
    steps.put("cancel", suite::cancel);
    steps.put("reconnect", suite::reconnect);
    steps.put("stale_after_wait_timeout", suite::staleAfterWaitTimeout);
    int passed = 0;
    int failed = 0;
    for (Map.Entry<String, Step> e : steps.entrySet()) {
      String name = e.getKey();
      if ((only != null && !only.contains(name)) || (skip != null && skip.contains(name))) continue;
      Object d;
      Object w;
      try {
        d = e.getValue().run(server, server);
      } catch (Throwable ex) {
        System.out.println("FAIL " + driver + " " + name + ": error against the server itself: " + ex);
        ex.printStackTrace(System.out);
        failed++;
        continue;
      }
      try {
        w = e.getValue().run(proxy, server);
      } catch (Throwable ex) {
        System.out.println("FAIL " + driver + " " + name + ": error through weir only: " + ex);
        ex.printStackTrace(System.out);
        failed++;
        continue;
      }
      if (!Objects.equals(d, w)) {
        System.out.println("FAIL " + driver + " " + name + ": results differ\n  server: " + clip(d, 2000)
            + "\n  weir:   " + clip(w, 2000));
        failed++;
      } else {
        System.out.println("ok   " + driver + " " + name + ": " + clip(d, 160));
        passed++;
      }
    }
    System.out.println(driver + ": " + passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }

  static String clip(Object o, int n) {
    String s = String.valueOf(o);
    return s.length() <= n ? s : s.substring(0, n) + "...";
  }
}
