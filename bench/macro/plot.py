"""Charts of a compare.py result: one PNG per measure (QPS, p95 latency, proxy CPU per 1,000
queries), one panel per workload, bars per thread count for direct / HAProxy / weir.

The result file is what `compare.py --json FILE` writes:
  {"when": "...", "note": "...", "rows": [{"workload": ..., "threads": ..., "results":
      {"direct": {"qps", "p95", "p99", "errors", "cpu_per_1000"}, "haproxy": {...}, "weir": {...}}}]}
"""
import json
import os

TARGETS = (("direct", "direct", "#98a2b3"), ("haproxy", "HAProxy", "#f79009"), ("weir", "weir", "#2e90fa"))
MEASURES = (
    ("qps", "queries per second (higher is better)", "qps.png"),
    ("p95", "p95 latency, ms (lower is better)", "p95.png"),
    ("cpu_per_1000", "proxy CPU seconds per 1,000 queries (lower is better)", "cpu.png"),
)


def load(path):
    with open(path) as f:
        result = json.load(f)
    if not result.get("rows"):
        raise SystemExit(f"{path}: no rows to plot (expected what compare.py --json writes)")
    return result


def plot(result, out_dir):
    """Writes qps.png, p95.png and cpu.png into out_dir; returns their paths."""
    try:
        import matplotlib
    except ImportError:
        raise SystemExit("--plot needs matplotlib: scripts/setup.sh installs Debian's python3-matplotlib "
                         "for /usr/bin/python3 (run compare.py with that interpreter)")
    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    os.makedirs(out_dir, exist_ok=True)
    workloads = []
    for row in result["rows"]:
        if row["workload"] not in workloads:
            workloads.append(row["workload"])
    written = []
    for key, title, filename in MEASURES:
        fig, axes = plt.subplots(1, len(workloads), figsize=(5.5 * len(workloads), 4), squeeze=False)
        for ax, workload in zip(axes[0], workloads):
            rows = [r for r in result["rows"] if r["workload"] == workload]
            width = 0.8 / len(TARGETS)
            for i, (target, label, color) in enumerate(TARGETS):
                xs, ys = [], []
                for k, row in enumerate(rows):
                    value = row["results"][target].get(key)
                    if value is None:
                        continue  # the server itself has no proxy CPU
                    xs.append(k + (i - (len(TARGETS) - 1) / 2) * width)
                    ys.append(value)
                if not xs:
                    continue
                bars = ax.bar(xs, ys, width, label=label, color=color)
                ax.bar_label(bars, fmt="%.3g" if key != "qps" else "%.0f", fontsize=7, padding=2)
            ax.set_xticks(range(len(rows)), [f"{r['threads']} threads" for r in rows])
            ax.set_title(workload, fontsize=10)
            ax.spines[["top", "right"]].set_visible(False)
            ax.margins(y=0.15)
        axes[0][0].legend(frameon=False, fontsize=8)
        fig.suptitle(title, fontsize=11)
        note = result.get("note") or ""
        when = result.get("when") or ""
        if note or when:
            fig.text(0.01, 0.01, (when + "  " + note).strip(), fontsize=7, color="#667085")
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        path = os.path.join(out_dir, filename)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
