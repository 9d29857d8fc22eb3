#!/usr/bin/env python3
"""Many client connections, most of them idle at any moment: the load connection multiplexing is
for. sysbench holds N connections (threads) and sends a fixed total rate (--rate-per-client x N
transactions per second, spread over the connections); each endpoint in turn, in one invocation:
the server directly, HAProxy in TCP mode, and weir (and any extra weir configurations given with
--weir-variant NAME=YAML, e.g. multiplexing on).

  python3 bench/macro/many_clients.py [--clients 256,1000,4000] [--workloads oltp_point_select,oltp_read_only]
      [--rate-per-client 2] [--ps-mode auto|disable] [--time 20] [--weir build/release/app/weir]
      [--weir-variant 'mux=pool: {multiplexing: true, max_per_backend: 64}'] [--json FILE]

Per point it records QPS, p99 latency (ms), errors, and sampled in the middle of the run: the
server's Threads_connected and Memory_used (bytes the server allocated for its sessions), and the
proxy's RSS. The server runs with max_connections 12,000 so that the direct and HAProxy runs can
be measured at all (a stock server refuses the 152nd connection). Benchmarks, not tests.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (the server, HAProxy, weir and sysbench helpers)

ROOT = compare.ROOT


def server_status(server, names):
    sql = "SHOW GLOBAL STATUS WHERE Variable_name IN (%s)" % ",".join("'%s'" % n for n in names)
    out = subprocess.run(["mariadb", f"--socket={server.dir}/s.sock", "-uroot", "-N", "-B", "-e", sql],
                         capture_output=True, text=True, check=True).stdout
    values = {}
    for line in out.splitlines():
        name, value = line.split("\t")
        values[name] = int(value)
    return values


def start_weir_variant(work, binary, backend_port, extra_yaml):
    proc, port = compare.start_weir(work, binary, backend_port)
    if not extra_yaml:
        return proc, port
    # Restart with the extra configuration appended (compare.start_weir writes the base file).
    proc.terminate()
    proc.wait(timeout=30)
    cfg = os.path.join(work, "weir.yaml")
    with open(cfg, "a") as f:
        f.write(extra_yaml.rstrip("\n") + "\n")
    env = dict(os.environ, WEIR_BENCH_PASSWORD=compare.PASSWORD)
    log = open(os.path.join(work, "weir.log"), "a")
    proc = subprocess.Popen([binary, "proxy", "--config", cfg], stdout=log, stderr=subprocess.STDOUT, env=env,
                            preexec_fn=compare.raise_fd_limit)
    compare.wait_port(port)
    return proc, port


def run_point(server, endpoint, workload, clients, rate, seconds, ps_mode="auto"):
    name, port, pid = endpoint
    args = ["sysbench", workload, "--db-driver=mysql", "--mysql-host=127.0.0.1", f"--mysql-port={port}",
            "--mysql-user=sbtest", f"--mysql-password={compare.PASSWORD}", "--mysql-db=sbtest", "--tables=4",
            "--table-size=10000", f"--threads={clients}", f"--time={seconds}", f"--rate={rate}", "--histogram=on",
            "--report-interval=0", f"--db-ps-mode={ps_mode}", "--mysql-ignore-errors=all", "run"]
    samples = {}

    def sample():
        time.sleep(seconds / 2)
        try:
            samples.update(server_status(server, ["Threads_connected", "Memory_used"]))
            if pid is not None:
                samples["proxy_rss_mib"] = compare.rss_kib(pid) / 1024
        except Exception as e:  # noqa: BLE001 - a missing sample is reported as such
            samples["error"] = str(e)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out = subprocess.run(args, capture_output=True, text=True)
    sampler.join()
    if out.returncode != 0:
        return {"endpoint": name, "workload": workload, "clients": clients,
                "failed": (out.stdout + out.stderr).strip().splitlines()[-3:]}
    result = compare.parse_run(out.stdout)
    return {"endpoint": name, "workload": workload, "clients": clients, "qps": result["qps"],
            "p99_ms": result["p99"], "errors": result["errors"],
            "threads_connected": samples.get("Threads_connected"),
            "memory_used_mib": (samples["Memory_used"] / 1048576) if "Memory_used" in samples else None,
            "proxy_rss_mib": samples.get("proxy_rss_mib")}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", default="256,1000,4000")
    p.add_argument("--workloads", default="oltp_point_select,oltp_read_only")
    p.add_argument("--rate-per-client", type=float, default=2.0,
                   help="transactions per second per connection (0: as fast as each connection goes)")
    p.add_argument("--ps-mode", choices=["auto", "disable"], default="auto",
                   help="sysbench --db-ps-mode: server-side prepared statements (auto) or text statements")
    p.add_argument("--time", type=int, default=20)
    p.add_argument("--weir", default=os.path.join(ROOT, "build/release/app/weir"))
    p.add_argument("--weir-variant", action="append", default=[], metavar="NAME=YAML",
                   help="another weir endpoint: the base configuration plus these YAML lines")
    p.add_argument("--json")
    args = p.parse_args()
    compare.raise_fd_limit()
    work = tempfile.mkdtemp(prefix="weir-many-clients-")
    server = compare.Server(work)
    procs = []
    try:
        compare.sysbench("oltp_read_only", server.port, 4, 0, command="prepare")
        endpoints = [("direct", server.port, None)]
        haproxy, hport = compare.start_haproxy(work, server.port)
        procs.append(haproxy)
        endpoints.append(("haproxy", hport, haproxy.pid))
        variants = [("weir", "")] + [tuple(v.split("=", 1)) for v in args.weir_variant]
        for name, extra in variants:
            vdir = os.path.join(work, name)
            os.makedirs(vdir, exist_ok=True)
            proc, port = start_weir_variant(vdir, args.weir, server.port, extra.replace("\\n", "\n"))
            procs.append(proc)
            endpoints.append((name, port, proc.pid))
        rows = []
        for workload in args.workloads.split(","):
            for clients in (int(c) for c in args.clients.split(",")):
                rate = max(1, int(clients * args.rate_per_client)) if args.rate_per_client > 0 else 0
                for endpoint in endpoints:
                    row = run_point(server, endpoint, workload, clients, rate, args.time, args.ps_mode)
                    row["offered_tps"] = rate
                    rows.append(row)
                    print(json.dumps(row), flush=True)
        print()
        print(f"{'workload':<18} {'clients':>7} {'endpoint':<10} {'qps':>9} {'p99 ms':>8} {'errors':>7} "
              f"{'srv threads':>11} {'srv mem MiB':>11} {'proxy RSS MiB':>13}")
        for r in rows:
            if "failed" in r:
                print(f"{r['workload']:<18} {r['clients']:>7} {r['endpoint']:<10} failed: {r['failed']}")
                continue

            def num(v, fmt):
                return format(v, fmt) if v is not None else "-"
            print(f"{r['workload']:<18} {r['clients']:>7} {r['endpoint']:<10} {r['qps']:>9.0f} {r['p99_ms']:>8.2f} "
                  f"{r['errors']:>7} {num(r['threads_connected'], '>11')} {num(r['memory_used_mib'], '>11.1f')} "
                  f"{num(r['proxy_rss_mib'], '>13.1f')}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"rows": rows, "load": os.getloadavg()}, f, indent=1)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        server.stop()


if __name__ == "__main__":
    main()
