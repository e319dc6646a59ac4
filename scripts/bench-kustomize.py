#!/usr/bin/env python3
"""The overlay benchmark of issue 13: a corpus where almost half the workloads come through
kustomize overlays against the same workloads written as plain files, timed with the release
binary (`predict --format json`, the two corpora in turns, --runs pairs), and the median
of the pairs' ratios printed.

  overlays: 5,000 plain Deployments, and 1,000 apps of a base (kustomization and 4
            Deployments) and an overlay (namespace and a label): 11,001 files, 9,000
            workloads, 4,000 of them built through the overlays.
  plain:    the same 9,000 workloads, the overlays' namespace and label written into the
            base files and the kustomizations gone: 9,001 files.

Both place the same workloads on the same profiles (checked), so that the ratio is the cost
of building the overlays. Usage: scripts/bench-kustomize.py [--apps N] [--runs N] [-j N]
(FARGATE_LINT_BIN times another binary; build it with `cargo build --release` first).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
{meta}  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels:
{selector}      app: {name}
  template:
    metadata:
      labels:
{template}        app: {name}
    spec:
      containers:
        - name: main
          image: public.ecr.aws/x/{name}:1
          resources:
            requests:
              cpu: 250m
              memory: 512Mi
"""

CLUSTER = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
fargateProfiles:
  - name: apps
    selectors:
      - namespace: apps
        labels:
          fargate: "yes"
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def deployment(name, rendered):
    """A Deployment; `rendered`: with what the overlay gives it (namespace, label)."""
    if not rendered:
        return DEPLOYMENT.format(meta="", selector="", template="", name=name)
    return DEPLOYMENT.format(
        meta='  namespace: apps\n  labels:\n    fargate: "yes"\n',
        selector='      fargate: "yes"\n',
        template='        fargate: "yes"\n',
        name=name,
    )


def generate(root, apps, overlays):
    write(f"{root}/cluster.yaml", CLUSTER)
    for i in range(apps * 5):
        name = f"plain{i}"
        write(f"{root}/plain/{name}.yaml", deployment(name, False))
    for i in range(apps):
        names = [f"app{i}x{j}" for j in range(4)]
        for n in names:
            write(f"{root}/apps/app{i}/base/{n}.yaml", deployment(n, not overlays))
        if overlays:
            write(
                f"{root}/apps/app{i}/base/kustomization.yaml",
                "resources:\n" + "".join(f"  - {n}.yaml\n" for n in names),
            )
            write(
                f"{root}/apps/app{i}/prod/kustomization.yaml",
                'namespace: apps\nresources:\n  - ../base\ncommonLabels:\n  fargate: "yes"\n',
            )


def timed(binary, root, threads):
    start = time.perf_counter()
    out = subprocess.run(
        [binary, "predict", "-j", str(threads), "--format", "json", root],
        check=True,
        capture_output=True,
    ).stdout
    return time.perf_counter() - start, out


def placed(report):
    return sorted(
        (w["namespace"], w["name"], p["compute"], p["profile"])
        for w in report["workloads"]
        for p in w["placements"]
    )


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--apps", type=int, default=1000)
    args.add_argument("--runs", type=int, default=5)
    args.add_argument("-j", "--threads", type=int, default=0)
    a = args.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    binary = os.environ.get(
        "FARGATE_LINT_BIN", os.path.join(here, "..", "target", "release", "fargate-lint")
    )
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("overlays", "plain"):
            generate(os.path.join(tmp, kind), a.apps, kind == "overlays")
        # A git root, so that the builds' loading rules bound them to the corpus.
        os.makedirs(os.path.join(tmp, ".git"))
        # The two corpora are timed in turns (the order swapped every run), so that a machine
        # shared with other work slows both alike; each run's pair gives a ratio, and the
        # median of those ratios is the result.
        roots = {kind: os.path.join(tmp, kind) for kind in ("overlays", "plain")}
        times = {kind: [] for kind in roots}
        ratios = []
        reports = {}
        for run in range(a.runs):
            order = ("overlays", "plain") if run % 2 == 0 else ("plain", "overlays")
            pair = {}
            for kind in order:
                pair[kind], out = timed(binary, roots[kind], a.threads)
                times[kind].append(pair[kind])
                reports[kind] = out
            ratios.append(pair["overlays"] / pair["plain"])
        reports = {kind: json.loads(out) for kind, out in reports.items()}
        for kind, root in roots.items():
            files = sum(len(f) for _, _, f in os.walk(root))
            print(
                f"{kind:9} {files:6} files {len(reports[kind]['workloads']):6} workloads"
                f"  best {min(times[kind]) * 1000:7.1f} ms"
                f"  median {statistics.median(times[kind]) * 1000:7.1f} ms"
            )
        if placed(reports["overlays"]) != placed(reports["plain"]):
            sys.exit("the two corpora do not place the same workloads the same way")
        print(
            f"ratio     median {statistics.median(ratios):.2f}x of {a.runs} paired runs"
            f" (min {min(ratios):.2f}x, max {max(ratios):.2f}x;"
            f" best over best {min(times['overlays']) / min(times['plain']):.2f}x;"
            " the issue asks for at most 1.3x)"
        )

if __name__ == "__main__":
    main()
