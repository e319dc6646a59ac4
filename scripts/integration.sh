#!/usr/bin/env bash
# Checks the ways fargate-lint plugs into other tools with those real tools, not by reading:
#   - action.yml against GitHub's schema for actions (check-jsonschema) and zizmor's audits,
#     and its shell steps on a simulated runner (scripts/simulate-action.py);
#   - our SARIF with Microsoft's SARIF Multitool, GitHub's ingestion rules on (our policy,
#     testdata/sarif/github-policy.xml), kubernetes/examples included, and against the SARIF
#     2.1.0 schema; a committed log that breaks a GitHub rule must fail;
#   - the pre-commit hook as committed (HEAD) through `pre-commit try-repo` in a throw-away git
#     repository, once on a clean file (passes) and once on a broken one (fails with FL001).
#
# The tools are installed from PyPI and npm into .tools/ (git-ignored) on the first run and
# reused after. Exit codes: 0 all passed, 1 a check failed, 77 the tools could not be
# installed (no network, say): nothing was checked.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
VENV=$TOOLS/venv
NPM=$TOOLS/npm

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'integration: FAILED: %s\n' "$*" >&2; exit 1; }

install_tools() {
  if [ ! -x "$VENV/bin/check-jsonschema" ] || [ ! -x "$VENV/bin/zizmor" ] || [ ! -x "$VENV/bin/pre-commit" ]; then
    python3 -m venv "$VENV" &&
      "$VENV/bin/pip" install --quiet --disable-pip-version-check check-jsonschema zizmor pre-commit ||
      return 1
  fi
  if [ ! -e "$NPM/node_modules/.bin/sarif-multitool" ]; then
    npm install --silent --no-audit --no-fund --prefix "$NPM" @microsoft/sarif-multitool || return 1
  fi
  # The platform package makes its binary executable in an install script, which newer npm
  # versions may not run.
  find "$NPM/node_modules/@microsoft" -maxdepth 2 -name Sarif.Multitool -type f -exec chmod u+x {} +
}

say "installing the tools into .tools/"
if ! install_tools; then
  echo "integration: SKIPPED: could not install check-jsonschema, zizmor, pre-commit and @microsoft/sarif-multitool" >&2
  exit 77
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/fargate-lint-integration.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

say "building fargate-lint"
cargo build --locked --quiet
BIN=$ROOT/target/debug/fargate-lint

say "action.yml: GitHub's schema for actions"
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml

say "action.yml: zizmor (offline audits)"
"$VENV/bin/zizmor" --offline --persona=auditor action.yml || fail "zizmor has findings on action.yml"

say "action.yml: its steps on a simulated runner (no sha256sum on PATH)"
"$VENV/bin/python" scripts/simulate-action.py "$BIN" || fail "action.yml misbehaves on a simulated runner"

say "README's example workflow: GitHub's schema for workflows and zizmor"
mkdir -p "$TMP/.github/workflows"
workflow=$TMP/.github/workflows/fargate-lint.yml
# The first YAML block of the README's "GitHub Action" section.
awk '/^## GitHub Action/ {in_section=1} in_section && /^```yaml/ {copy=1; next} copy && /^```/ {exit} copy {print}' README.md > "$workflow"
[ -s "$workflow" ] || fail "no example workflow found in the README"
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$workflow"
"$VENV/bin/zizmor" --offline --persona=auditor "$workflow" || fail "zizmor has findings on the README's workflow"

say "SARIF: Microsoft SARIF Multitool with GitHub's rules on, and the SARIF 2.1.0 schema"
# The platform package's native binary, run directly: the npm wrapper (`sarif-multitool`,
# bin.js) hands its arguments to a shell, which splits `--rule-kind "Sarif;Ghas"` at the `;`.
case "$(uname -s)" in
  Linux) multitool_platform=linux ;;
  Darwin) multitool_platform=darwin ;;
  *) fail "no SARIF Multitool binary for $(uname -s)" ;;
esac
MULTITOOL=$NPM/node_modules/@microsoft/sarif-multitool-$multitool_platform/Sarif.Multitool
[ -x "$MULTITOOL" ] || fail "the SARIF Multitool binary is not at $MULTITOOL"
# GH1001-GH1007, GitHub's ingestion rules, are off unless a policy turns them on.
POLICY=$ROOT/testdata/sarif/github-policy.xml

logs=()
for input in testdata/example testdata/hostile testdata/rules; do
  log=$TMP/$(basename "$input").sarif
  # Exit 1 only says there are findings; 2 is a failed run.
  code=0
  "$BIN" check --format sarif --output "$log" "$input" || code=$?
  [ "$code" -le 1 ] || fail "fargate-lint check --format sarif $input exited $code"
  logs+=("$log")
done

# kubernetes/examples with the all-Fargate cluster, as the Action sees a repository: a git
# checkout with the cluster in it, scanned from its root (paths relative to it).
CORPUS=$ROOT/../shared/corpus/kubernetes__examples
if [ -d "$CORPUS" ]; then
  EXAMPLES=$TMP/kubernetes-examples
  cp -R "$CORPUS" "$EXAMPLES"
  chmod -R u+w "$EXAMPLES"
  cp testdata/cases/all-fargate/cluster.yaml "$EXAMPLES/fargate-cluster.yaml"
  git -C "$EXAMPLES" init --quiet
  log=$TMP/kubernetes-examples.sarif
  code=0
  (cd "$EXAMPLES" && "$BIN" check --format sarif --output "$log" .) || code=$?
  [ "$code" -le 1 ] || fail "fargate-lint check --format sarif on kubernetes/examples exited $code"
  results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$log")
  [ "$results" -gt 100 ] || fail "kubernetes/examples gave only $results results: was the cluster read?"
  absolute=$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["runs"][0]["results"] for l in r["locations"] if l["physicalLocation"]["artifactLocation"].get("uriBaseId") != "%SRCROOT%"))' "$log")
  [ "$absolute" = 0 ] || fail "kubernetes/examples: $absolute results not relative to the checkout (%SRCROOT%)"
  logs+=("$log")
elif [ "${FARGATE_LINT_REQUIRE_SHARED:-}" = 1 ]; then
  fail "../shared/corpus is not beside the repository, and FARGATE_LINT_REQUIRE_SHARED=1 says it must be"
else
  echo "note: ../shared/corpus is not beside the repository: kubernetes/examples is not validated"
fi

# Prints the error-level results of a Multitool validation log (a result without a level is a
# warning) on stderr as `RULE message`, and their count on stdout.
#
# One exception: GH1004 flags more than 1,000 results in a run, a limit the Multitool fixes in
# its code (no policy sets it) and that GitHub has since raised: code scanning accepts up to
# 25,000 results per run and shows the 5,000 most severe. Past 5,000 it is an error here too.
count_errors() {
  python3 - "$1" <<'PY'
import json, sys
GITHUB_SHOWN_RESULTS = 5000
log = json.load(open(sys.argv[1], encoding="utf-8-sig"))
errors = []
for run in log.get("runs", []):
    for r in run.get("results", []):
        if r.get("level", "warning") != "error":
            continue
        args = r.get("message", {}).get("arguments", [])
        if (r.get("ruleId") == "GH1004" and len(args) == 3 and args[0].endswith("].results")
                and int(args[1]) <= GITHUB_SHOWN_RESULTS):
            print("   (GH1004: %s results, within the %d GitHub shows)" % (args[1], GITHUB_SHOWN_RESULTS),
                  file=sys.stderr)
            continue
        errors.append(r)
for r in errors:
    message = r.get("message", {})
    print("  ", r.get("ruleId"), message.get("text") or json.dumps(message.get("arguments")),
          file=sys.stderr)
print(len(errors))
PY
}

# validate LOG [POLICY]: the Multitool with every SARIF and GitHub rule at every level, under
# POLICY (default: ours); prints the number of errors.
validate() {
  local log=$1 policy=${2:-$POLICY} out=$1.validation.sarif
  rm -f "$out"
  "$MULTITOOL" validate "$log" --config "$policy" --rule-kind "Sarif;Ghas" \
    --level "Error;Warning;Note" --output "$out" --log ForceOverwrite >"$out.log" 2>&1 ||
    { cat "$out.log" >&2; fail "sarif-multitool validate could not run on $log"; }
  [ -f "$out" ] || fail "sarif-multitool wrote no validation log for $log"
  count_errors "$out"
}

for log in "${logs[@]}"; do
  errors=$(validate "$log")
  [ "$errors" = 0 ] || fail "sarif-multitool validate: $errors errors in $(basename "$log")"
  echo "sarif-multitool validate $(basename "$log"): no errors"
done

# The check can fail: a log that breaks only GH1005 (an https: artifact URI, which code
# scanning does not show) has errors under our policy and none under the Multitool's
# defaults, so the policy is what turns GitHub's rules on.
bad=$TMP/breaks-github-rule.sarif
cp testdata/sarif/breaks-github-rule.sarif "$bad"
errors=$(validate "$bad" 2>"$TMP/bad-errors.txt")
[ "$errors" -gt 0 ] || fail "sarif-multitool found no error in testdata/sarif/breaks-github-rule.sarif"
grep -q GH1005 "$TMP/bad-errors.txt" || { cat "$TMP/bad-errors.txt"; fail "the known-bad log failed, but not on GH1005"; }
errors=$(validate "$bad" default 2>/dev/null)
[ "$errors" = 0 ] || fail "the known-bad log has errors under the Multitool's defaults: it does not prove the policy"
echo "sarif-multitool validate breaks-github-rule.sarif: fails on GH1005 with the policy, passes without"

# The Multitool reports nothing at all on a log with a value outside the schema's enums (the
# log does not deserialize, and that is not reported), so the schema is checked too.
printf '%s\n' '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"X","level":"bogus","message":{"text":"m"}}]}]}' > "$TMP/canary.sarif"
schema=$(find "$NPM/node_modules/@microsoft" -name 'sarif-2.1.0.json' | head -n 1)
[ -n "$schema" ] || fail "the SARIF schema is not in the multitool package"
"$VENV/bin/check-jsonschema" --schemafile "$schema" "${logs[@]}"
if "$VENV/bin/check-jsonschema" --schemafile "$schema" "$TMP/canary.sarif" >/dev/null 2>&1; then
  fail "check-jsonschema accepted a log with a schema error"
fi

say "pre-commit: the hooks' files pattern covers every name a folder scan reads"
"$VENV/bin/python" - <<'PY' || fail "the hooks' files: pattern and discovery disagree"
import re, yaml
source = open("src/discover.rs", encoding="utf-8").read()
suffixes = re.findall(r'"(\.[a-z]+)"', re.search(r"CANDIDATE_SUFFIXES: \[&str; \d+\] = \[(.*?)\];", source).group(1))
assert len(suffixes) >= 5, suffixes
for hook in yaml.safe_load(open(".pre-commit-hooks.yaml", encoding="utf-8")):
    pattern = re.compile(hook["files"])
    for suffix in suffixes:
        for name in ("k8s/web" + suffix, "infra/STACK" + suffix.upper(), "kustomization" + suffix):
            assert pattern.search(name), (hook["id"], name)
    for name in ("notes.txt", "Dockerfile", "chart.yaml.bak"):
        assert not pattern.search(name), (hook["id"], name)
print("hooks read", ", ".join(suffixes), "in any case")
PY

say "pre-commit: try-repo in a throw-away repository"
REPO=$TMP/repo
mkdir -p "$REPO/infra" "$REPO/k8s"
cat > "$REPO/infra/cluster.yaml" <<'YAML'
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
iam:
  fargatePodExecutionRoleARN: arn:aws:iam::123456789012:role/fargate-pods
fargateProfiles:
  - name: web
    selectors:
      - namespace: web
YAML
# A pod with nothing to report: an ECR image, requests equal to limits at a Fargate size.
cat > "$REPO/k8s/web.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: web
spec:
  containers:
    - name: web
      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0
      resources:
        requests: {cpu: 250m, memory: 256Mi}
        limits: {cpu: 250m, memory: 256Mi}
YAML
(
  cd "$REPO"
  git init --quiet
  git config user.email integration@example.invalid
  git config user.name integration
  git add -A
  git commit --quiet -m "cluster and pod"
)
# The pod file alone is placed: the hook finds the cluster elsewhere in the repository.
profile=$(cd "$REPO" && "$BIN" predict --format json --find-clusters k8s/web.yaml |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["workloads"][0]["placements"][0]["profile"])')
[ "$profile" = web ] || fail "k8s/web.yaml alone was not placed on profile web (got $profile)"
echo "k8s/web.yaml alone lands on profile web"

export PRE_COMMIT_HOME=$TOOLS/pre-commit-home
# Reused by cargo across runs: pre-commit builds the hook with `cargo install`.
export CARGO_TARGET_DIR=$TOOLS/pre-commit-target
# The committed hook (HEAD): without `--ref`, try-repo would take uncommitted edits of
# tracked files but not new untracked files, a mix that may not build.
HEAD_REF=$(git -C "$ROOT" rev-parse HEAD)
try_repo() {
  (cd "$REPO" && "$VENV/bin/pre-commit" try-repo "$ROOT" fargate-lint --ref "$HEAD_REF" --verbose --files "$@")
}
try_repo k8s/web.yaml > "$TMP/clean.log" 2>&1 || { cat "$TMP/clean.log"; fail "the hook failed on a clean file"; }
echo "clean file: the hook passes"

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  labels: {app: bad\nspec:\n  containers: []\n' > "$REPO/k8s/bad.yaml"
if try_repo k8s/bad.yaml > "$TMP/bad.log" 2>&1; then
  cat "$TMP/bad.log"
  fail "the hook passed on a broken file"
fi
grep -q FL001 "$TMP/bad.log" || { cat "$TMP/bad.log"; fail "the hook failed without FL001"; }
echo "broken file: the hook fails with FL001"

# The hook for a binary installed with --locked, on a CloudFormation `.template` (a name the
# pattern must let through: pre-commit would skip the hook and pass otherwise).
printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {Profile: {Type: AWS::EKS::FargateProfile\n' > "$REPO/infra/stack.template"
if (cd "$REPO" && PATH=$ROOT/target/debug:$PATH "$VENV/bin/pre-commit" try-repo "$ROOT" fargate-lint-system \
    --ref "$HEAD_REF" --verbose --files infra/stack.template) > "$TMP/system.log" 2>&1; then
  cat "$TMP/system.log"
  fail "fargate-lint-system passed on a broken .template file"
fi
grep -q FL001 "$TMP/system.log" || { cat "$TMP/system.log"; fail "fargate-lint-system failed without FL001"; }
echo "broken .template file: fargate-lint-system (the binary on PATH) fails with FL001"

say "integration: all passed"
