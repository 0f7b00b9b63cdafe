#!/usr/bin/env python3
"""The scenario x model runner against the rate-limited provider double.

Generates the seed's shape (129 scenarios x 3 models = 387 runs, scenarios
sharing a few templates) scaled down in time, and measures in one run:

  naive   models one after another within each scenario, a fixed pool of
          workers over scenarios, no cache (the original runner's way)
  sbench  `sbench run`: every model at once, each provider at its limits
  bound   the lower bound from the limits and latencies: per provider, the
          larger of runs x latency / max_concurrency and
          (runs - burst) / rate + latency; the job takes the slowest provider

then a second run with --use-cache (hit rate), one template edited (exactly
its scenarios re-run), SIGKILL at 5 random moments with resumption (every run
once), and the peak RSS of the runner for the 387-run job and a 20,000-run
job. Writes a JSON summary (--out) and prints a table. Only loopback traffic.
"""
import argparse
import concurrent.futures
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

MODELS = ["model-a", "model-b", "model-c"]


def start_double(binary, flags):
    process = subprocess.Popen([binary, "--port", "0", *flags], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise SystemExit(f"the provider double did not start: {line!r}")
    return process, line.strip().split()[-1]


def write_suite(root, scenarios, templates, repeats=1):
    suite = os.path.join(root, "scenarios")
    os.makedirs(os.path.join(suite, "templates"), exist_ok=True)
    for t in range(templates):
        with open(os.path.join(suite, "templates", f"t{t}.txt"), "w") as f:
            f.write(f"Template {t}: answer the question about {{{{topic}}}} briefly.\n")
    for s in range(scenarios):
        with open(os.path.join(suite, f"s{s:05d}.toml"), "w") as f:
            f.write(f'template = "templates/t{s % templates}.txt"\nmax_tokens = 16\n'
                    f'repeats = {repeats}\n[vars]\ntopic = "topic-{s}"\n'
                    '[[checks]]\ncontains = "topic-"\n')
    return suite


def write_runner(root, urls, concurrency, rpm, store="results.sqlite"):
    text = f'[run]\nsuite = "scenarios"\nstore = "{store}"\noutput = "run_results.json"\n'
    for i, (model, url) in enumerate(zip(MODELS, urls)):
        text += (f'[providers.p{i}]\nkind = "openai"\nbase_url = "{url}"\n'
                 f'max_concurrency = {concurrency}\n' + (f"rpm = {rpm}\n" if rpm else ""))
        text += f'[[models]]\nname = "{model}"\nprovider = "p{i}"\nmodel = "{model}"\n'
    path = os.path.join(root, "sbench-run.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def sbench_run(sbench, runner, *flags, check=True):
    started = time.monotonic()
    result = subprocess.run([sbench, "run", "-c", runner, "--progress", "quiet", *flags],
                            capture_output=True, text=True)
    wall = time.monotonic() - started
    if check and result.returncode != 0:
        raise SystemExit(f"sbench run {' '.join(flags)} failed ({result.returncode}):\n"
                         f"{result.stdout}\n{result.stderr}")
    with open(os.path.join(os.path.dirname(runner), "run_results.json")) as f:
        return wall, json.load(f)


def naive(urls, scenarios, workers):
    """The original runner: per scenario the models one after another."""
    def one(s):
        for model, url in zip(MODELS, urls):
            body = json.dumps({"model": model, "max_tokens": 16, "messages": [
                {"role": "user", "content": f"Template {s % 10}: topic-{s}"}]}).encode()
            request = urllib.request.Request(url + "/v1/chat/completions", data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(scenarios)))
    return time.monotonic() - started


def store_counts(path):
    db = sqlite3.connect(path)
    results = db.execute("SELECT count(*), count(DISTINCT key) FROM results").fetchone()
    job = db.execute("SELECT job_id FROM jobs ORDER BY started_at_ms DESC LIMIT 1").fetchone()[0]
    counted = db.execute("SELECT count(*), count(DISTINCT run_key) FROM job_results WHERE job_id = ?",
                         (job,)).fetchone()
    db.close()
    return {"results": results[0], "distinct_results": results[1], "job_results": counted[0],
            "distinct_job_results": counted[1]}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default="build/default")
    parser.add_argument("--out", default="runner_benchmark.json")
    parser.add_argument("--latency-ms", type=float, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rpm", type=float, default=300)
    parser.add_argument("--naive-workers", type=int, default=4)
    parser.add_argument("--big-scenarios", type=int, default=2223,
                        help="scenarios of the large job (x 3 models x 3 repeats)")
    args = parser.parse_args()
    sbench = os.path.join(args.build_dir, "apps", "sbench")
    double = os.path.join(args.build_dir, "apps", "sbench-provider-double")
    scenarios, templates = 129, 10
    summary = {"config": vars(args)}
    doubles = []
    root = tempfile.mkdtemp(prefix="sbench-runner-bench-")
    try:
        urls = []
        for i, model in enumerate(MODELS):
            process, url = start_double(double, [
                "--models", model, "--rpm", str(int(args.rpm)), "--max-concurrency",
                str(args.concurrency), "--latency-dist", "lognormal", "--latency-ms",
                str(args.latency_ms), "--latency-spread", "0.25", "--seed", str(i + 1)])
            doubles.append(process)
            urls.append(url)
        write_suite(root, scenarios, templates)
        runner = write_runner(root, urls, args.concurrency, args.rpm)

        rate = args.rpm / 60
        latency_s = args.latency_ms / 1000
        burst = max(1, rate)  # the double's and the runner's bucket: one second of the rate
        bound = max(scenarios * latency_s / args.concurrency,
                    (scenarios - burst) / rate + latency_s)
        summary["bound_s"] = bound

        wall, results = sbench_run(sbench, runner)
        summary["sbench_s"] = wall
        summary["sbench_job_s"] = results["totals"]["wall_s"]
        summary["sbench_throttled"] = results["totals"]["throttled"]
        summary["peak_rss_387_mb"] = results["totals"]["peak_rss_bytes"] / 1e6
        summary["scenarios_per_min"] = results["totals"]["scenarios_per_min"]

        summary["naive_s"] = naive(urls, scenarios, args.naive_workers)

        _, cached = sbench_run(sbench, runner, "--use-cache")
        summary["cache_hit_rate"] = cached["totals"]["cache_hit_rate"]
        with open(os.path.join(root, "scenarios", "templates", "t3.txt"), "a") as f:
            f.write("Edited.\n")
        _, edited = sbench_run(sbench, runner, "--use-cache")
        summary["after_template_edit"] = {
            "ran": edited["totals"]["ran"], "from_cache": edited["totals"]["from_cache"],
            "expected_ran": sum(1 for s in range(scenarios) if s % templates == 3) * 3}

        # SIGKILL at 5 random moments of a fresh job; each start resumes it.
        kill_store = os.path.join(root, "killed.sqlite")
        rng = random.Random(1)
        kills = []
        for _ in range(5):
            process = subprocess.Popen([sbench, "run", "-c", runner, "--progress", "quiet",
                                        "--store", kill_store], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            moment = rng.uniform(0.3, 3.0)
            time.sleep(moment)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills.append(round(moment, 2))
        _, resumed = sbench_run(sbench, runner, "--store", kill_store)
        summary["sigkill"] = {"moments_s": kills, "ran_in_job": resumed["totals"]["ran"],
                              **store_counts(kill_store)}
        for process in doubles:
            process.terminate()
            process.wait()
        doubles.clear()

        # 20,000 runs against unlimited, instant doubles: memory, not time.
        big = tempfile.mkdtemp(prefix="big-", dir=root)
        urls = []
        for model in MODELS:
            process, url = start_double(double, ["--models", model, "--latency-ms", "0"])
            doubles.append(process)
            urls.append(url)
        write_suite(big, args.big_scenarios, templates, repeats=3)
        big_runner = write_runner(big, urls, 64, 0)
        wall, big_results = sbench_run(sbench, big_runner)
        summary["big_job"] = {"runs": big_results["totals"]["runs"],
                              "ran": big_results["totals"]["ran"], "wall_s": wall,
                              "peak_rss_mb": big_results["totals"]["peak_rss_bytes"] / 1e6}
    finally:
        for process in doubles:
            process.terminate()
        shutil.rmtree(root, ignore_errors=True)

    summary["sbench_vs_bound"] = summary["sbench_job_s"] / summary["bound_s"]
    summary["naive_vs_sbench"] = summary["naive_s"] / summary["sbench_job_s"]
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary, indent=2))
    ok = (summary["sbench_vs_bound"] <= 1.05 and summary["naive_vs_sbench"] >= 1.9
          and summary["cache_hit_rate"] == 1.0
          and summary["after_template_edit"]["ran"] == summary["after_template_edit"]["expected_ran"]
          and summary["sigkill"]["distinct_job_results"] == 387
          and summary["sigkill"]["job_results"] == 387
          and summary["peak_rss_387_mb"] < 100 and summary["big_job"]["peak_rss_mb"] < 100
          and summary["big_job"]["ran"] == summary["big_job"]["runs"])
    print("all goals met" if ok else "GOALS MISSED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
