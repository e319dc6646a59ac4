#!/usr/bin/env python3
"""Runs the steps of action.yml on a simulated GitHub runner and checks what they leave.

Each `run:` step runs with bash as the runner would run it: the step's `env:` with its
`${{ }}` expressions filled in, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV and RUNNER_TEMP
in a temporary folder, and a PATH without GNU's `sha256sum` (as on macOS runners). A step's
`if:` is evaluated (the operators action.yml uses: == != && || and parentheses); `uses:` steps
are stood in for: the cache has nothing, saving does nothing, the upload succeeds or fails as
the scenario says. `cargo` is a stand-in that installs the binary built by `cargo build`, so
that the install step's arguments are checked without a release build.

Scenarios: a push with findings, a pull request from a fork (its changed file annotated first,
the upload skipped with a notice, the placement diff against its base at the top of the job
summary), a shallow checkout of a pull request's merge commit whose
base commit cannot be fetched (the merge's first parent stands in), a pull request whose base
commit cannot be had at all (a notice, then file order), and a clean repository.

    python3 scripts/simulate-action.py target/debug/fargate-lint

Needs PyYAML (pre-commit brings it into .tools/venv). Exit 0: all passed; 1: a check failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CLUSTER = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
iam:
  fargatePodExecutionRoleARN: arn:aws:iam::123456789012:role/fargate
fargateProfiles:
  - name: apps
    selectors:
      - namespace: apps
"""

# A Docker Hub image and no requests: FL201 and FL211 (warnings) on Fargate.
POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: apps
spec:
  containers:
    - name: web
      image: nginx:1.25
"""

CLEAN_POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0
      resources:
        requests: {cpu: 250m, memory: 256Mi}
        limits: {cpu: 250m, memory: 256Mi}
"""


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def git(repo, *args):
    subprocess.run(
        ["git", "-C", repo, "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", *args],
        check=True,
        capture_output=True,
    )


def git_out(repo, *args):
    return subprocess.run(
        ["git", "-C", repo, *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def path_without(names, tmp):
    """A folder of links to every program on PATH except `names`."""
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir)
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            target = os.path.join(folder, name)
            link = os.path.join(bin_dir, name)
            if name in names or os.path.exists(link) or not os.access(target, os.X_OK):
                continue
            if os.path.isfile(target):
                os.symlink(target, link)
    return bin_dir


def fake_cargo(bin_dir, binary, log):
    """`cargo install --locked --root ROOT --path PATH`: checks the arguments, copies `binary`."""
    os.remove(os.path.join(bin_dir, "cargo")) if os.path.lexists(os.path.join(bin_dir, "cargo")) else None
    script = f"""#!/usr/bin/env bash
printf '%s\\n' "$*" >> {log!r}
[ "$1" = install ] || exit 3
root=""
while [ $# -gt 0 ]; do
  case "$1" in --root) root=$2; shift ;; esac
  shift
done
[ -n "$root" ] || exit 4
mkdir -p "$root/bin" && cp {binary!r} "$root/bin/fargate-lint"
"""
    path = os.path.join(bin_dir, "cargo")
    with open(path, "w") as f:
        f.write(script)
    os.chmod(path, 0o755)


def read_kv(path):
    """A GITHUB_OUTPUT file: `key=value` lines."""
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


TOKEN = re.compile(r"'(?:[^']|'')*'|==|!=|&&|\|\||\(|\)|!|[A-Za-z_][A-Za-z0-9_.-]*|\s+")


def evaluate(expr, lookup):
    """The `if:` expressions of action.yml, as Python: references looked up, strings kept."""
    expr = expr.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2]
    python = []
    pos = 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise Failed(f"cannot read the expression {expr!r} at {pos}")
        tok = m.group(0)
        pos = m.end()
        if tok.isspace():
            continue
        if tok.startswith("'"):
            python.append(repr(tok[1:-1].replace("''", "'")))
        elif tok in ("==", "!=", "(", ")"):
            python.append(tok)
        elif tok == "&&":
            python.append("and")
        elif tok == "||":
            python.append("or")
        elif tok == "!":
            python.append("not")
        elif tok in ("true", "false"):
            python.append(tok.capitalize())
        else:
            python.append(repr(lookup(tok)))
    return eval(" ".join(python), {"__builtins__": {}})  # noqa: S307 (our own file)


def substitute(text, lookup):
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: str(lookup(m.group(1))), str(text))


def run_action(scenario, binary, tmp):
    """Runs every step; returns what the checks need."""
    action = yaml.safe_load(open(os.path.join(ROOT, "action.yml"), encoding="utf-8"))
    runner = os.path.join(tmp, "runner")
    os.makedirs(runner)
    files = {
        name: os.path.join(runner, name.lower())
        for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH")
    }
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    inputs.update(scenario.get("inputs", {}))
    github = {"event_name": scenario["event"], "repository": "owner/repo"}
    github.update(scenario.get("github", {}))
    steps = {}
    env_base = {
        "PATH": scenario["path"],
        "HOME": os.environ.get("HOME", tmp),
        "GITHUB_ACTION_PATH": ROOT,
        "GITHUB_WORKSPACE": scenario["repo"],
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
        "RUNNER_TEMP": os.path.join(runner, "temp"),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
    }
    os.makedirs(env_base["RUNNER_TEMP"])

    def lookup(ref):
        parts = ref.split(".")
        if parts[0] == "inputs":
            return inputs.get(parts[1], "")
        if parts[0] == "steps":
            step = steps.get(parts[1], {})
            if parts[2] == "outputs":
                return step.get("outputs", {}).get(parts[3], "")
            return step.get(parts[2], "")
        if parts[0] == "github":
            value = github
            for p in parts[1:]:
                value = value.get(p, "") if isinstance(value, dict) else ""
            return value
        raise Failed(f"unknown reference {ref}")

    log = []
    for step in action["runs"]["steps"]:
        sid = step.get("id", step["name"])
        if "if" in step and not evaluate(str(step["if"]), lookup):
            steps[sid] = {"outcome": "skipped", "outputs": {}}
            log.append((step["name"], "skipped", "", ""))
            continue
        if "uses" in step:
            uses = step["uses"]
            check(re.search(r"@[0-9a-f]{40}\b", uses), f"{uses}: not pinned to a commit")
            outputs = {}
            outcome = "success"
            if "cache/restore" in uses:
                outputs["cache-hit"] = "false"
                path = substitute(step["with"]["path"], lookup)
                check(path.startswith(env_base["RUNNER_TEMP"]), f"cache path {path} outside RUNNER_TEMP")
            elif "upload-sarif" in uses:
                sarif = substitute(step["with"]["sarif_file"], lookup)
                check(os.path.isfile(os.path.join(scenario["repo"], sarif)), f"upload: no {sarif}")
                outcome = scenario.get("upload", "success")
            steps[sid] = {"outcome": outcome, "outputs": outputs}
            log.append((step["name"], outcome, "", ""))
            continue
        env = dict(env_base)
        for k, v in step.get("env", {}).items():
            env[k] = substitute(v, lookup)
        for name, path in files.items():
            env[name] = path
        open(files["GITHUB_OUTPUT"], "w").close()
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=scenario["repo"],
            env=env,
            capture_output=True,
            text=True,
        )
        outcome = "success" if proc.returncode == 0 else "failure"
        steps[sid] = {"outcome": outcome, "outputs": read_kv(files["GITHUB_OUTPUT"])}
        log.append((step["name"], outcome, proc.stdout, proc.stderr))
        if outcome == "failure" and not step.get("continue-on-error"):
            # A failing step ends the job; later steps (none have `if: always()`) do not run.
            break
    summary = open(files["GITHUB_STEP_SUMMARY"], encoding="utf-8").read() if os.path.exists(files["GITHUB_STEP_SUMMARY"]) else ""
    return {"steps": steps, "log": log, "summary": summary}


def step_log(result, name):
    for n, outcome, out, err in result["log"]:
        if n == name:
            return outcome, out, err
    raise Failed(f"no step {name}")


def show(result):
    for n, outcome, out, err in result["log"]:
        print(f"  -- {n}: {outcome}", file=sys.stderr)
        for text in (out, err):
            for line in text.splitlines()[:20]:
                print(f"     {line}", file=sys.stderr)


def repository(tmp, pods):
    repo = os.path.join(tmp, "repo")
    write(os.path.join(repo, "infra/cluster.yaml"), CLUSTER)
    git(repo, "init", "--quiet")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "cluster")
    base = git_out(repo, "rev-parse", "HEAD")
    for path, text in pods.items():
        write(os.path.join(repo, path), text)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "pods")
    return repo, base


def main():
    binary = os.path.abspath(sys.argv[1])
    failures = 0
    scenarios = ["push", "fork pull request", "merge commit", "unreachable base", "clean"]
    for name in scenarios:
        tmp = tempfile.mkdtemp(prefix="fargate-lint-action.")
        try:
            bin_dir = path_without({"sha256sum", "cargo"}, tmp)
            cargo_log = os.path.join(tmp, "cargo.log")
            fake_cargo(bin_dir, binary, cargo_log)
            pods = {"k8s/a.yaml": POD.format(name="a"), "k8s/b.yaml": POD.format(name="b")}
            if name == "clean":
                pods = {"k8s/a.yaml": CLEAN_POD}
            repo, base = repository(tmp, pods)
            if name == "fork pull request":
                # The pull request changes b.yaml only: a.yaml is in the base.
                os.remove(os.path.join(repo, "k8s/b.yaml"))
                git(repo, "add", "-A")
                git(repo, "commit", "--quiet", "-m", "base with a")
                base = git_out(repo, "rev-parse", "HEAD")
                write(os.path.join(repo, "k8s/b.yaml"), POD.format(name="b"))
                git(repo, "add", "-A")
                git(repo, "commit", "--quiet", "-m", "add b")
            if name == "merge commit":
                # A shallow checkout of the merge commit a pull request gets (fetch-depth 2):
                # the base commit itself cannot be fetched, the merge's first parent is it.
                os.remove(os.path.join(repo, "k8s/b.yaml"))
                git(repo, "add", "-A")
                git(repo, "commit", "--quiet", "-m", "base with a")
                git(repo, "checkout", "--quiet", "-b", "pr")
                write(os.path.join(repo, "k8s/b.yaml"), POD.format(name="b"))
                git(repo, "add", "-A")
                git(repo, "commit", "--quiet", "-m", "add b")
                git(repo, "checkout", "--quiet", "-")
                git(repo, "merge", "--quiet", "--no-ff", "-m", "merge pr", "pr")
                base = "1" * 40
            scenario = {"repo": repo, "path": bin_dir, "event": "push"}
            if name in ("fork pull request", "merge commit", "unreachable base"):
                scenario["event"] = "pull_request"
                scenario["github"] = {
                    "event": {
                        "pull_request": {
                            "base": {"sha": "0" * 40 if name == "unreachable base" else base},
                            "head": {"repo": {"full_name": "fork/repo"}},
                        }
                    }
                }
                scenario["inputs"] = {"max-annotations": "1"}
            result = run_action(scenario, binary, tmp)
            try:
                verify(name, result, repo, cargo_log, tmp)
                print(f"action.yml on a simulated runner, {name}: passed")
            except Failed:
                show(result)
                raise
        except Failed as e:
            failures += 1
            print(f"action.yml on a simulated runner, {name}: FAILED: {e}", file=sys.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


def verify(name, result, repo, cargo_log, tmp):
    steps = result["steps"]
    key = steps["key"]["outputs"].get("key", "")
    check(re.fullmatch(r"fargate-lint-Linux-X64-src-[0-9a-f]{16}", key), f"cache key {key!r}")
    # shasum (the fallback) hashes as sha256sum would: the key is the same on every runner.
    expected = subprocess.run(
        "find Cargo.toml Cargo.lock src rules -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16",
        shell=True, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()
    check(key.endswith(expected), f"cache key {key} does not end with the sha256 {expected}")
    install = open(cargo_log).read().split()
    check(install[:3] == ["install", "--locked", "--root"] and "--path" in install,
          f"cargo install arguments: {install}")
    outcome, out, err = step_log(result, "Check")
    check(outcome == "success", f"the Check step failed: {err}")
    code = steps["check"]["outputs"].get("exit-code")
    sarif_path = os.path.join(repo, "fargate-lint.sarif")
    check(steps["check"]["outputs"].get("sarif-written") == "true", "no sarif-written output")
    sarif = json.load(open(sarif_path, encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    summary = result["summary"]
    check("## fargate-lint" in summary, "the job summary has no findings")
    check("## Fargate placement" in summary, "the job summary has no placement table")
    fail_step = step_log(result, "Fail on findings")
    if name == "clean":
        check(code == "0", f"exit-code {code} on a clean repository")
        check(results == [] and "No findings." in summary, "findings on a clean repository")
        check(fail_step[0] == "skipped", "the job failed on a clean repository")
        return
    check(code == "1", f"exit-code {code}, expected 1")
    check(len(results) >= 4, f"{len(results)} SARIF results")
    rows = [l for l in summary.splitlines() if l.startswith("| warning |")]
    check(len(rows) == len(results), f"{len(rows)} summary rows for {len(results)} results")
    check(fail_step[0] == "failure" and "exited with 1" in fail_step[1], "Fail on findings did not fail with 1")
    annotations = [l for l in out.splitlines() if l.startswith("::")]
    upload = steps["upload"]["outcome"]
    skipped_notice = step_log(result, "Upload skipped")
    diff_at = summary.find("## Placement changes against")
    if name in ("fork pull request", "merge commit"):
        # Compared with the base: the diff first (b.yaml's pod is added), then the findings,
        # then the tables.
        check(diff_at == 0, f"the job summary does not start with the placement diff: {summary[:200]!r}")
        check(diff_at < summary.find("## fargate-lint") < summary.find("## Fargate placement"),
              "the job summary's sections are out of order")
        diff = summary[: summary.find("## fargate-lint")]
        check("| `Pod/b` | `apps` | `prod` | - | fargate `apps`" in diff and "| added |" in diff,
              f"the diff does not show b added: {diff!r}")
        check("Fargate $0.00/month before" not in diff or "after" in diff, "no cost line")
    else:
        check(diff_at == -1, "a placement diff without a baseline")
    if name == "push":
        check(upload == "success", f"upload {upload} on push")
        check(skipped_notice[0] == "skipped", "upload-skipped notice on push")
        check(len(annotations) == len(results), "every finding annotated without a cap")
        check(annotations[0].startswith("::warning file=k8s/a.yaml"), annotations[0])
    if name in ("fork pull request", "merge commit"):
        check(upload == "skipped", f"upload {upload} on a fork's pull request")
        check("not uploaded" in skipped_notice[1], "no notice for the skipped upload")
        check(annotations[0].startswith("::warning file=k8s/b.yaml"), f"first annotation {annotations[0]}")
        check(annotations[-1].startswith("::notice title=fargate-lint::3 more findings"), annotations[-1])
        check(len(annotations) == 2, f"{len(annotations)} annotations with max-annotations 1")
        in_change = summary.split("### In the changed files", 1)[-1].split("### Elsewhere", 1)[0]
        check("`k8s/b.yaml`" in in_change and "`k8s/a.yaml`" not in in_change, "summary's changed table")
    if name == "unreachable base":
        check("could not be listed" in out, "no notice for an unreachable base commit")
        check(annotations[-1].startswith("::notice title=fargate-lint::3 more findings"), annotations[-1])
        check("no comparison with it" in out and "fetch-depth: 0" in out, "no notice for the missing baseline")
        warnings = [a for a in annotations if a.startswith("::warning")]
        check(warnings[0].startswith("::warning file=k8s/a.yaml"), "not in file order")


if __name__ == "__main__":
    sys.exit(main())
