#!/usr/bin/env python3
"""sysbench through weir, compared in one invocation with the same server directly and with
HAProxy in TCP mode. Prints QPS, p95/p99 latency, the ratios, and the proxies' CPU per query
(and its user part: the proxy's own code, the rest being the kernel's); then weir's RSS with many idle client connections.

  python3 bench/macro/compare.py [--time 15] [--rounds 2] [--idle 9000]
      [--points oltp_point_select:8,oltp_point_select:64,oltp_read_only:8,oltp_read_only:64,oltp_read_write:8]
      [--weir build/release/app/weir] [--workers auto] [--json FILE] [--plot DIR] [--syscalls-time 5]
      [--also NAME=[BINARY][:WORKERS] ...]
  python3 bench/macro/compare.py --from FILE --plot DIR     # charts of a saved result, no run

Each point runs every endpoint in turn, `--rounds` times (interleaved, so drift hits all alike),
and reports the median round. `--also` adds more weir endpoints to the same rotation (another
binary, another worker count): `--also weir-uring=build/release-uring/app/weir --also weir-w1=:1`
compares them with the main weir and with HAProxy under the same load; their ratio to the main
weir is printed too. Then, per endpoint, a short separate run under `strace -c -f`
counts the system calls of the serving process per statement (mariadbd for direct), and the
table gives the p99 latency each proxy adds over direct.

--json writes the table as JSON; --plot writes qps.png, p95.png and cpu.png (matplotlib) of this
run, or of the result --from names.

Benchmarks, not tests: the machine is shared and noisy, so compare ratios from one run only.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PASSWORD = "bench-password"


def raise_fd_limit():
    # Up to the hard limit (20,000 on the sandboxed build machines, where it cannot be raised: a
    # proxy holding a client and a backend socket per session then tops out below 10,000 sessions).
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def cpu_seconds(pid, user_only=False):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    if user_only:
        return int(fields[11]) / CLK_TCK  # utime (field 14): the process's own code
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Server:
    def __init__(self, work):
        self.dir = os.path.join(work, "server")
        self.port = free_port()
        # Its own tmpdir: a mariadbd starting removes "#sql*" files from its tmpdir (another
        # server's temporary tables, a parallel mariadb-install-db's).
        self.tmp = os.path.join(work, "server-tmp")
        os.makedirs(self.tmp, exist_ok=True)
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.dir}", f"--tmpdir={self.tmp}",
                        "--auth-root-authentication-method=normal"], check=True, capture_output=True)
        self.log = open(os.path.join(work, "server.log"), "w")
        self.proc = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={self.dir}", f"--tmpdir={self.tmp}", f"--port={self.port}",
             f"--socket={self.dir}/s.sock", "--bind-address=127.0.0.1", "--user=root", "--skip-name-resolve",
             "--max-connections=12000", "--innodb-buffer-pool-size=512M",
             "--thread-handling=pool-of-threads",
             # sysbench prepares its statements on every connection: thousands of connections
             # (many_clients.py) pass the default cap of 16,382 prepared statements.
             "--max-prepared-stmt-count=1048576"],
            stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=raise_fd_limit)
        wait_port(self.port)
        sql = ("DROP USER IF EXISTS ''@'localhost'; DROP USER IF EXISTS ''@'%s';"
               "CREATE USER sbtest@'%%' IDENTIFIED BY '%s'; GRANT ALL ON *.* TO sbtest@'%%';"
               "CREATE DATABASE sbtest;" % (socket.gethostname(), PASSWORD))
        subprocess.run(["mariadb", f"--socket={self.dir}/s.sock", "-uroot", "-e", sql], check=True)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def start_haproxy(work, backend_port):
    port = free_port()
    cfg = os.path.join(work, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(f"""global
  maxconn 9000
  nbthread 2
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
listen mysql
  bind 127.0.0.1:{port}
  server db 127.0.0.1:{backend_port}
""")
    proc = subprocess.Popen(["haproxy", "-db", "-f", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=raise_fd_limit)
    wait_port(port)
    return proc, port


def start_weir(work, binary, backend_port, workers="auto", name="weir", wrapper=(), timeout=30):
    """weir in front of the server at backend_port; `wrapper` runs it (["valgrind", ...])."""
    port = free_port()
    cfg = os.path.join(work, f"{name}.yaml")
    with open(cfg, "w") as f:
        f.write(f"""listen: {{address: 127.0.0.1, port: {port}, max_connections: 30000}}
workers: {{count: {workers}}}
admin: {{enabled: false}}
users:
  - {{name: sbtest, password_env: WEIR_BENCH_PASSWORD}}
monitor: {{user: sbtest, password_env: WEIR_BENCH_PASSWORD}}
backends:
  static:
    - {{name: primary, host: 127.0.0.1, port: {backend_port}, role: primary}}
log: {{level: warn}}
""")
    env = dict(os.environ, WEIR_BENCH_PASSWORD=PASSWORD)
    log = open(os.path.join(work, f"{name}.log"), "w")
    proc = subprocess.Popen([*wrapper, binary, "proxy", "--config", cfg], stdout=log, stderr=subprocess.STDOUT,
                            env=env, preexec_fn=raise_fd_limit)
    wait_port(port, timeout)
    return proc, port


def sysbench(workload, port, threads, seconds, command="run", events=0):
    """`seconds` of the workload (0: no time limit), or `events` transactions when given."""
    args = ["sysbench", workload, "--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={port}",
            "--mysql-user=sbtest", f"--mysql-password={PASSWORD}", "--mysql-db=sbtest", "--tables=4",
            "--table-size=10000", f"--threads={threads}", f"--time={seconds}", "--histogram=on",
            "--report-interval=0", "--db-ps-mode=auto", *([f"--events={events}"] if events else []), command]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"sysbench {workload} on port {port} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def parse_run(text):
    queries = int(re.search(r"queries:\s+(\d+)", text).group(1))
    qps = float(re.search(r"queries:\s+\d+\s+\(([\d.]+) per sec", text).group(1))
    errors = int(re.search(r"ignored errors:\s+(\d+)", text).group(1))
    histogram = [(float(v), int(c)) for v, c in re.findall(r"^\s+([\d.]+) \|[* ]*\s(\d+)$", text, re.M)]
    total = sum(c for _, c in histogram)

    def percentile(p):
        seen = 0
        for value, count in histogram:
            seen += count
            if seen >= total * p:
                return value
        return float("nan")

    return {"queries": queries, "qps": qps, "errors": errors, "p95": percentile(0.95), "p99": percentile(0.99)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--time", type=int, default=15)
    parser.add_argument("--points", default="oltp_point_select:8,oltp_point_select:64,oltp_read_only:8,"
                                              "oltp_read_only:64,oltp_read_write:8",
                        help="workload:threads pairs")
    parser.add_argument("--rounds", type=int, default=2, help="runs per endpoint and point; the median is kept")
    parser.add_argument("--workers", default="auto", help="weir's workers.count")
    parser.add_argument("--also", action="append", default=[], metavar="NAME=[BINARY][:WORKERS]",
                        help="another weir endpoint in the same rotation: its own binary (default --weir) "
                             "and/or workers.count (default --workers); repeatable")
    parser.add_argument("--syscalls-time", type=int, default=5,
                        help="seconds of oltp_point_select (8 threads) under strace per endpoint; 0 = skip")
    parser.add_argument("--idle", type=int, default=9000)
    parser.add_argument("--weir", default=os.path.join(ROOT, "build/release/app/weir"))
    parser.add_argument("--idle-tool", default=os.path.join(ROOT, "build/release/bench/macro/weir_bench_idle_connections"))
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--plot", help="write PNG charts of the results into this directory")
    parser.add_argument("--from", dest="saved", help="plot this saved result (from --json) instead of running")
    parser.add_argument("--note", default="", help="a line saved with the results and printed under the charts")
    args = parser.parse_args()

    if args.saved:
        if not args.plot:
            parser.error("--from needs --plot DIR")
        import plot
        for path in plot.plot(plot.load(args.saved), args.plot):
            print(path)
        return

    extra = [parse_also(parser, spec, args) for spec in args.also]
    work = tempfile.mkdtemp(prefix="weir-bench-")
    server = Server(work)
    haproxy, haproxy_port = start_haproxy(work, server.port)
    weir, weir_port = start_weir(work, args.weir, server.port, args.workers)
    targets = [("direct", server.port, None), ("haproxy", haproxy_port, haproxy.pid), ("weir", weir_port, weir.pid)]
    others = []
    for name, binary, workers in extra:
        proc, port = start_weir(work, binary, server.port, workers, name)
        others.append(proc)
        targets.append((name, port, proc.pid))
    try:
        sysbench("oltp_read_only", server.port, 4, 0, "prepare")
        rows = []
        for point in args.points.split(","):
            workload, threads = point.split(":")
            threads = int(threads)
            rounds = {name: [] for name, _, _ in targets}
            for _ in range(args.rounds):
                for name, port, pid in targets:
                    before = cpu_seconds(pid) if pid else 0.0
                    before_user = cpu_seconds(pid, user_only=True) if pid else 0.0
                    result = parse_run(sysbench(workload, port, threads, args.time))
                    result["cpu_per_1000"] = ((cpu_seconds(pid) - before) / result["queries"] * 1000) if pid else None
                    # User time alone: the proxy's own code (the rest is the kernel's sockets and wake-ups).
                    result["user_per_1000"] = (((cpu_seconds(pid, user_only=True) - before_user) / result["queries"]
                                                * 1000) if pid else None)
                    rounds[name].append(result)
            results = {name: median_round(runs) for name, runs in rounds.items()}
            rows.append((workload, threads, results))
            print_table([rows[-1]], header=len(rows) == 1)
        print()
        print("Full table:")
        print_table(rows, header=True)
        syscalls = {}
        if args.syscalls_time > 0:
            pids = {name: pid for name, _, pid in targets}
            pids["direct"] = server.proc.pid
            for name, port, _ in targets:
                syscalls[name] = syscalls_per_statement(pids[name], port, args.syscalls_time, work)
            print()
            print_syscalls(syscalls)
        result = {"when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  "note": args.note or (f"{args.time} s per run, median of {args.rounds} rounds, workers {args.workers}"
                                        + "".join(f"; {n}: {b} workers {w}" for n, b, w in extra)),
                  "rows": [{"workload": w, "threads": t, "results": r} for w, t, r in rows],
                  "syscalls": syscalls}
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
            print(f"results: {args.json}")
        if args.plot:
            import plot
            for path in plot.plot(result, args.plot):
                print(f"chart: {path}")
        if args.idle > 0:
            measure_idle(args, weir.pid, weir_port)
    finally:
        for proc in (*others, weir, haproxy):
            proc.terminate()
            proc.wait(timeout=60)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def parse_also(parser, spec, args):
    """NAME=[BINARY][:WORKERS] -> (name, binary, workers); the defaults are --weir and --workers."""
    name, sep, rest = spec.partition("=")
    binary, _, workers = rest.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name in ("direct", "haproxy", "weir"):
        parser.error(f"--also {spec!r}: expected NAME=[BINARY][:WORKERS] with a new name of letters, digits, '-', "
                     "'_' or '.' (direct, haproxy and weir are taken)")
    if workers and workers != "auto" and not workers.isdigit():
        parser.error(f"--also {spec!r}: workers {workers!r} is neither a number nor 'auto'")
    binary = binary or args.weir
    if not os.access(binary, os.X_OK):
        parser.error(f"--also {spec!r}: {binary} is not an executable file")
    return name, binary, workers or args.workers


def median_round(runs):
    """The run with the median QPS (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda r: r["qps"])
    return ordered[(len(ordered) - 1) // 2]


def syscalls_per_statement(pid, port, seconds, work):
    """System calls of process `pid` (all its threads) per statement of an oltp_point_select run
    with 8 threads, from `strace -c -f`. strace slows the process down; the count per statement is
    what matters. Returns {"per_statement": float, "calls": {name: per statement}}."""
    out = os.path.join(work, f"strace-{pid}.txt")
    tracer = subprocess.Popen(["strace", "-c", "-f", "-o", out, "-p", str(pid)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # attached to every thread
    try:
        result = parse_run(sysbench("oltp_point_select", port, 8, seconds))
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=60)
    calls = {}
    with open(out) as f:
        for line in f:
            fields = line.split()
            # % time, seconds, usecs/call, calls, [errors], syscall
            if len(fields) >= 5 and fields[0][0].isdigit() and fields[-1] != "total":
                calls[fields[-1]] = int(fields[3])
    statements = max(1, result["queries"])
    per = {name: count / statements for name, count in sorted(calls.items(), key=lambda kv: -kv[1])}
    return {"per_statement": sum(calls.values()) / statements, "calls": per}


def print_syscalls(syscalls):
    print("| target | system calls per statement (oltp_point_select, 8 threads, under strace -c -f) | the main ones |")
    print("|---|---|---|")
    for name, s in syscalls.items():
        top = ", ".join(f"{call} {n:.2f}" for call, n in list(s["calls"].items())[:6] if n >= 0.01)
        print(f"| {name} | {s['per_statement']:.2f} | {top} |")
    sys.stdout.flush()


def print_table(rows, header):
    if header:
        print("| workload | threads | target | QPS | p95 ms | p99 ms | p99 added ms | errors | QPS / direct "
              "| QPS / HAProxy | proxy CPU µs per query (user) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
    for workload, threads, results in rows:
        direct = results["direct"]["qps"]
        haproxy = results["haproxy"]["qps"]
        weir = results["weir"]["qps"]
        for name, r in results.items():
            cpu = "" if r["cpu_per_1000"] is None else f"{r['cpu_per_1000'] * 1000:.1f}"
            if r.get("user_per_1000") is not None:
                cpu += f" ({r['user_per_1000'] * 1000:.1f})"
            added = "" if name == "direct" else f"{r['p99'] - results['direct']['p99']:+.2f}"
            versus_weir = f" (QPS / weir {r['qps'] / weir:.2f})" if name not in ("direct", "haproxy", "weir") else ""
            print(f"| {workload} | {threads} | {name}{versus_weir} | {r['qps']:,.0f} | {r['p95']:.2f} | {r['p99']:.2f} "
                  f"| {added} | {r['errors']} | {r['qps'] / direct:.2f} | {r['qps'] / haproxy:.2f} | {cpu} |")
    sys.stdout.flush()


def measure_idle(args, weir_pid, weir_port):
    before = rss_kib(weir_pid)
    tool = subprocess.Popen([args.idle_tool, "127.0.0.1", str(weir_port), "sbtest", PASSWORD, str(args.idle)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, preexec_fn=raise_fd_limit)
    line = tool.stdout.readline().strip()
    if not line.startswith("ready"):
        tool.kill()
        print(f"idle connections: the tool failed ({line!r})")
        return
    time.sleep(2)
    during = rss_kib(weir_pid)
    tool.stdin.close()
    tool.wait(timeout=120)
    print()
    print(f"weir RSS: {before / 1024:.1f} MiB before, {during / 1024:.1f} MiB with {args.idle} idle client connections "
          f"({(during - before) / args.idle:.1f} KiB per connection)")


if __name__ == "__main__":
    main()
