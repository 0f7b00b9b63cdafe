#!/usr/bin/env python3
"""`sbench batch` against a fast endpoint (the provider double answering at
once): does every request get exactly one answer through SIGKILLs, does the
runner's memory stay flat as the job grows, and is the runner ever the
bottleneck?

  killed    a job of --requests (default 100,000) requests, SIGKILLed at 10
            random moments and resumed each time, then run to the end: every
            custom_id in the output exactly once, none in the error file
  memory    the runner's peak RSS for jobs of 1,000 and 170,000 requests
  rate      the 170,000-request job's rate end to end, and the runner's own
            capacity: requests per second of its CPU time (user + system),
            which is what it would sustain with the server infinitely fast

Writes a JSON summary (--out) and prints a table. Only loopback traffic.
"""
import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time


def start_double(build):
    process = subprocess.Popen([f"{build}/apps/sbench-provider-double", "--port", "0",
                                "--latency-ms", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise SystemExit(f"the provider double did not start: {line!r}")
    return process, line.strip().split()[-1]


def write_input(path, count):
    with open(path, "w") as f:
        for i in range(count):
            f.write(json.dumps({"custom_id": f"req-{i}", "method": "POST",
                                "url": "/v1/chat/completions",
                                "body": {"model": "double-model", "max_tokens": 8,
                                         "messages": [{"role": "user",
                                                       "content": f"Question {i}"}]}}) + "\n")


def sbench(build, root, *arguments, check=True):
    result = subprocess.run([f"{build}/apps/sbench", "batch", *arguments, "--queue",
                             os.path.join(root, "queue")], cwd=root, capture_output=True,
                            text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"sbench batch {' '.join(arguments)} failed ({result.returncode}):\n"
                         f"{result.stdout}\n{result.stderr}")
    return result


def run_measured(build, root, url, workers):
    """The run to the end, with its peak RSS and CPU time."""
    argv = [f"{build}/apps/sbench", "batch", "run", "--endpoint", url, "--workers",
            str(workers), "--progress", "quiet", "--queue", os.path.join(root, "queue")]
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    peak_kb = 0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    wall = time.monotonic() - started
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"sbench batch run failed ({process.returncode}):\n{out}\n{err}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, peak_kb / 1024, usage


def count_lines(path):
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def count_ids(path):
    seen = {}
    if not os.path.exists(path):
        return seen
    with open(path) as f:
        for line in f:
            custom_id = json.loads(line)["custom_id"]
            seen[custom_id] = seen.get(custom_id, 0) + 1
    return seen


def killed_check(build, url, requests, kills, workers, seed):
    random.seed(seed)
    with tempfile.TemporaryDirectory(prefix="sbench-batch-bench-") as root:
        write_input(os.path.join(root, "requests.jsonl"), requests)
        sbench(build, root, "add", "requests.jsonl")
        argv = [f"{build}/apps/sbench", "batch", "run", "--endpoint", url, "--workers",
                str(workers), "--progress", "quiet", "--queue", os.path.join(root, "queue")]
        answered_at_kill = []
        for _ in range(kills):
            process = subprocess.Popen(argv, cwd=root, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            time.sleep(random.uniform(0.2, 1.5))
            process.send_signal(signal.SIGKILL)
            process.wait()
            answered_at_kill.append(count_lines(os.path.join(root, "requests.output.jsonl")))
        # Exit 5 (nothing to run): the job finished before the last kill.
        final = sbench(build, root, "run", "--endpoint", url, "--workers", str(workers),
                       "--progress", "quiet", check=False)
        if final.returncode not in (0, 5):
            raise SystemExit(f"the last run failed ({final.returncode}):\n{final.stderr}")
        output = count_ids(os.path.join(root, "requests.output.jsonl"))
        errors = count_ids(os.path.join(root, "requests.errors.jsonl"))
    twice = sum(1 for n in output.values() if n > 1)
    missing = requests - len(output)
    return {"requests": requests, "kills": kills, "answered_at_each_kill": answered_at_kill,
            "answered": len(output), "twice": twice, "missing": missing,
            "in_error_file": len(errors),
            "goal_met": twice == 0 and missing == 0 and not errors}


def size_check(build, url, requests, workers):
    with tempfile.TemporaryDirectory(prefix="sbench-batch-bench-") as root:
        write_input(os.path.join(root, "requests.jsonl"), requests)
        sbench(build, root, "add", "requests.jsonl")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, peak_mb, after = run_measured(build, root, url, workers)
        answered = len(count_ids(os.path.join(root, "requests.output.jsonl")))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"requests": requests, "answered": answered, "wall_s": wall,
            "rate_per_s": requests / wall, "runner_cpu_s": cpu,
            "runner_capacity_per_s": requests / cpu if cpu > 0 else None,
            "peak_rss_mb": peak_mb}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default="build/default")
    parser.add_argument("--out", default="batch_benchmark.json")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    build = os.path.abspath(args.build_dir)
    double, url = start_double(build)
    try:
        summary = {"killed": killed_check(build, url, args.requests, args.kills, args.workers,
                                          args.seed)}
        small = size_check(build, url, 1_000, args.workers)
        large = size_check(build, url, 170_000, args.workers)
    finally:
        double.terminate()
        double.wait()
    summary["memory"] = {"rss_1k_mb": small["peak_rss_mb"], "rss_170k_mb": large["peak_rss_mb"],
                         "goal_met": large["peak_rss_mb"] < 100}
    summary["rate"] = {**large, "goal_met": (large["runner_capacity_per_s"] or 0) >= 10_000}
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=2)
    k = summary["killed"]
    print(f"killed   {k['requests']} requests, SIGKILL x{k['kills']} (answered at each kill: "
          f"{k['answered_at_each_kill']}): {k['answered']} answered, {k['twice']} twice, "
          f"{k['missing']} missing, {k['in_error_file']} in the error file; goal "
          f"{'met' if k['goal_met'] else 'MISSED'}")
    m = summary["memory"]
    print(f"memory   runner peak RSS {m['rss_1k_mb']:.1f} MiB at 1,000 requests, "
          f"{m['rss_170k_mb']:.1f} MiB at 170,000; goal {'met' if m['goal_met'] else 'MISSED'}")
    r = summary["rate"]
    print(f"rate     170,000 requests in {r['wall_s']:.1f} s: {r['rate_per_s']:.0f} req/s end to "
          f"end with the double on the same cores; runner CPU {r['runner_cpu_s']:.1f} s = "
          f"{r['runner_capacity_per_s']:.0f} req/s of its own capacity; goal "
          f"{'met' if r['goal_met'] else 'MISSED'}")
    sys.exit(0 if all(v["goal_met"] for v in summary.values()) else 1)


if __name__ == "__main__":
    main()
