"""Cost per request of one server, from `perf stat` and `perf record` taken while wrk loads it (`make bench`):
the counters divided by the requests wrk completed in that window.

  profile_report.py STAT_FILE PERF_DATA WRK_OUTPUT LABEL [TOP]

Prints instructions per request when the machine has hardware counters (`perf stat -e instructions` says
<not supported> in most VMs), else CPU time per request (task-clock, user + kernel, every thread of the server),
then the TOP functions by their own share of the samples, each as a share and as that much per request."""
import re
import subprocess
import sys


def counters(stat_file):
    """{event: value} from `perf stat -x,` output; unsupported events are left out."""
    values = {}
    with open(stat_file) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) >= 3 and fields[0] and fields[0][0].isdigit():
                values[fields[2].split(":")[0]] = float(fields[0])
    return values


def top_symbols(perf_data, top):
    text = subprocess.run(["perf", "report", "-i", perf_data, "--no-children", "--sort", "dso,symbol", "--stdio"],
                          capture_output=True, text=True).stdout
    rows = []
    for line in text.splitlines():
        match = re.match(r"^\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*\S)\s*$", line)
        if match:
            # perf pads the symbol column and may end it with "-" placeholders for absent call-graph columns.
            symbol = re.sub(r"(\s+-)+$", "", match.group(3)).strip()
            rows.append((float(match.group(1)), match.group(2), symbol))
    return rows[:top]


def demangle(names):
    try:
        result = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                                capture_output=True, text=True)
    except OSError:
        return names
    lines = result.stdout.splitlines()
    return lines if result.returncode == 0 and len(lines) == len(names) else names


def main():
    stat_file, perf_data, wrk_output, label = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    with open(wrk_output) as f:
        requests = int(re.search(r"(\d+) requests in", f.read()).group(1))
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 12
    values = counters(stat_file)
    if "instructions" in values:
        per_request, unit = values["instructions"] / requests, "instructions"
        print(f"{label}: {per_request:,.0f} instructions per request ({requests} requests)")
    else:
        per_request, unit = values["task-clock"] * 1000 / requests, "µs CPU"
        print(f"{label}: {per_request:.1f} µs of server CPU per request ({requests} requests; no hardware "
              f"instruction counter on this machine)")
    rows = top_symbols(perf_data, top)
    names = demangle([symbol for _, _, symbol in rows])
    for (share, dso, _), name in zip(rows, names):
        shown = name if len(name) <= 100 else name[:97] + "..."
        cost = per_request * share / 100
        print(f"  {cost:>9,.2f} {unit:<12} {share:5.1f}%  {shown}  [{dso.rsplit('/', 1)[-1]}]")


if __name__ == "__main__":
    main()
