#!/usr/bin/env bash
# `make sam-build`: run `sam build` on infra/template.yaml exactly as a user would (from the repository root, with
# samconfig.toml), without Docker, then check that the built layer really is what Lambda (python3.13, arm64) needs.
#
# aws-sam-cli pins its own boto3, click and pydantic, so it lives in its own virtualenv (.venv-sam), never in .venv.
# Re-runs reuse .venv-sam and SAM's build cache (.aws-sam/cache), so they are quick.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

SAM_CLI_SPEC="${SAM_CLI_SPEC:-aws-sam-cli>=1.140,<2}"
SAM_VENV="$root/.venv-sam"
BUILD_DIR="$root/.aws-sam/build"

log() { printf 'sam-build-check: %s\n' "$*" >&2; }

# The functions are built by SAM's python3.13 workflow and the layer is byte-compiled by python3.13, so that
# interpreter must be on PATH; pyenv provides it on the project's machines.
if command -v pyenv >/dev/null 2>&1; then
    PATH="$(pyenv root)/shims:$PATH"
    export PATH
    if ! python3.13 --version >/dev/null 2>&1; then
        # Keep the current python3 first and add the newest installed 3.13 behind it.
        py313="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13\.[0-9]+$' | sort -V | tail -n 1 || true)"
        if [[ -n "$py313" ]]; then
            export PYENV_VERSION="${PYENV_VERSION:-$(pyenv version-name 2>/dev/null || echo system)}:$py313"
        fi
    fi
fi
if ! command -v python3.13 >/dev/null 2>&1; then
    log "python3.13 is not on PATH: install Python 3.13 (the Lambda runtime) to build"
    exit 1
fi

base_python="${SAM_BASE_PYTHON:-python3}"
stamp="$SAM_VENV/.installed"
if [[ ! -x "$SAM_VENV/bin/sam" || ! -f "$stamp" || "$(cat "$stamp")" != "$SAM_CLI_SPEC" ]]; then
    log "installing $SAM_CLI_SPEC into .venv-sam"
    rm -rf "$SAM_VENV"
    "$base_python" -m venv "$SAM_VENV"
    "$SAM_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$SAM_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$SAM_CLI_SPEC"
    printf '%s' "$SAM_CLI_SPEC" >"$stamp"
fi

export SAM_CLI_TELEMETRY=0
unset AWS_PROFILE  # building needs no credentials; never pick a profile up by accident

log "$("$SAM_VENV/bin/sam" --version) building infra/template.yaml"
start=$SECONDS
log_file="$(mktemp)"
trap 'rm -f "$log_file"' EXIT
# samconfig.toml supplies the template, cached and parallel; --build-dir only makes the output place explicit.
if ! "$SAM_VENV/bin/sam" build --build-dir "$BUILD_DIR" </dev/null >"$log_file" 2>&1; then
    cat "$log_file" >&2
    log "sam build FAILED"
    exit 1
fi
elapsed=$((SECONDS - start))

# What got built: the layer's content, its architecture and the two functions.
"$SAM_VENV/bin/python" - "$BUILD_DIR" "$elapsed" <<'PY'
import sys
from pathlib import Path

build = Path(sys.argv[1])
elapsed = sys.argv[2]
layer = build / "CoreLayer"
problems = []

site = layer / "python"
for required in ("parley/__init__.py", "boto3", "aws_lambda_powertools", "pynamodb", "langdetect",
                 "deep_translator", "babel", "requests", "numpy"):
    if not (site / required).exists():
        problems.append(f"layer lacks python/{required}")
catalogs = sorted(p.name for p in (layer / "locales").glob("*.json"))
if not catalogs:
    problems.append("layer lacks locales/*.json (PARLEY_LOCALES_DIR=/opt/locales)")
if sorted(p.name for p in (layer / "locales" / "words").glob("*.json")) != catalogs:
    problems.append("layer's locales/words/ lacks a catalog's word lists (opting out of offers is read from them)")
if not sorted((layer / "guides").glob("*.json")):
    problems.append("layer lacks guides/*.json (PARLEY_GUIDES_DIR=/opt/guides)")
if not sorted((layer / "guides" / "account").glob("*.json")):
    problems.append("layer lacks guides/account/*.json (account help, read from PARLEY_GUIDES_DIR=/opt/guides)")
if not (layer / "models" / "intents.npz").is_file():
    problems.append("layer lacks models/intents.npz (PARLEY_INTENT_MODEL=/opt/models/intents.npz)")
for fn in ("WebhookFunction", "FulfillmentFunction", "AnalyticsFunction"):
    if not (build / fn / "app.py").is_file():
        problems.append(f"{fn} lacks app.py")
    if (build / fn / "parley").exists():
        problems.append(f"{fn} bundles parley itself; it must come from the layer")
if not (build / "template.yaml").is_file():
    problems.append("no built template")

# ELF e_machine: 0xB7 is aarch64, 0x3E x86_64. Every native library must be for arm64.
machines = {0xB7: "aarch64", 0x3E: "x86_64", 0x03: "x86"}
native = 0
for so in layer.rglob("*.so*"):
    if not so.is_file():
        continue
    head = so.read_bytes()[:20]
    if head[:4] != b"\x7fELF":
        continue
    native += 1
    order = "little" if head[5] == 1 else "big"
    machine = int.from_bytes(head[18:20], order)
    if machine != 0xB7:
        problems.append(f"{so.relative_to(layer)} is built for {machines.get(machine, hex(machine))}, not arm64")

size = sum(p.stat().st_size for p in layer.rglob("*") if p.is_file())
if size > 200 * 1024 * 1024:  # Lambda allows 250 MB unzipped for the function and all its layers together.
    problems.append(f"layer is {size / 1e6:.0f} MB unzipped, too close to Lambda's 250 MB limit")

if problems:
    for problem in problems:
        print(f"sam-build-check: {problem}", file=sys.stderr)
    sys.exit(1)
print(
    f"sam build OK in {elapsed}s: CoreLayer {size / 1e6:.0f} MB (parley, {len(catalogs)} catalogs, "
    f"{native} native libs all arm64), WebhookFunction, FulfillmentFunction and AnalyticsFunction built into {build}"
)
PY
