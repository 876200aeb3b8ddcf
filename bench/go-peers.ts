/**
 * The Go peers of the benchmark (bench/peers/<name>/: Bento, a franz-go relay), built on first use
 * into `.cache/bench/` and rebuilt only when their inputs change: the binary's name carries a hash
 * of the Go toolchain's version and of the module's go.mod, go.sum and *.go files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The peers, by the name of their folder under bench/peers/. */
export const GO_PEERS = ['bento', 'franz-relay'] as const;
export type GoPeer = (typeof GO_PEERS)[number];

/** A peer ready to run, or why it will not run. */
export type GoPeerBuild = { peer: GoPeer; binary: string; dir: string } | { peer: GoPeer; skipped: string };

/** `go build` failed; `output` is the end of what it printed. */
export class GoBuildError extends Error {
  readonly peer: GoPeer;
  readonly output: string;

  constructor(peer: GoPeer, output: string, options?: { cause?: unknown }) {
    super(`go build of bench/peers/${peer} failed:\n${output}`, options);
    this.name = new.target.name;
    this.peer = peer;
    this.output = output;
  }
}

/** Approximate first-build times on the 2-core bench machine, for the progress line. */
const FIRST_BUILD_HINT: Record<GoPeer, string> = { bento: 'about 90 s', 'franz-relay': 'about 30 s' };

/** `go version`, or undefined when Go is not on PATH. */
function goVersion(): string | undefined {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  return result.error === undefined && result.status === 0 ? result.stdout.trim() : undefined;
}

function inputsHash(dir: string, toolchain: string): string {
  const hash = createHash('sha256').update(toolchain);
  const files = readdirSync(dir)
    .filter((name) => name === 'go.mod' || name === 'go.sum' || name.endsWith('.go'))
    .sort();
  for (const name of files) hash.update(`\0${name}\0`).update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}

async function goBuild(peer: GoPeer, dir: string, out: string): Promise<void> {
  // The go.sum in the repo is the truth (-mod=readonly), the installed toolchain is the one used
  // (GOTOOLCHAIN=local); module and build caches stay Go's own (GOPATH, GOCACHE).
  const child = spawn('go', ['build', '-mod=readonly', '-trimpath', '-buildvcs=false', '-o', out, '.'], {
    cwd: dir,
    env: { ...process.env, GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  }).catch((cause: unknown) => {
    throw new GoBuildError(peer, output, { cause });
  });
  if (code !== 0) throw new GoBuildError(peer, output.trim() || `exit code ${code}`);
}

/**
 * Builds (or finds in the cache) each of `peers`. Without Go on PATH every peer is skipped with
 * the reason; a failed build skips that peer with the end of the compiler's output.
 */
export async function prepareGoPeers(repoRoot: string, peers: readonly GoPeer[], log: (message: string) => void): Promise<GoPeerBuild[]> {
  if (peers.length === 0) return [];
  const toolchain = goVersion();
  if (toolchain === undefined) {
    const reason = 'Go is not on PATH';
    log(`${reason}: skipping ${peers.join(' and ')} (install Go to benchmark the peers)`);
    return peers.map((peer) => ({ peer, skipped: reason }));
  }
  const cache = join(repoRoot, '.cache/bench');
  mkdirSync(cache, { recursive: true });
  const builds: GoPeerBuild[] = [];
  for (const peer of peers) {
    const dir = join(repoRoot, 'bench/peers', peer);
    const binary = join(cache, `${peer}-${inputsHash(dir, toolchain)}`);
    if (!existsSync(binary)) {
      log(`building ${peer} with ${toolchain} into .cache/bench (first use: ${FIRST_BUILD_HINT[peer]})`);
      const partial = `${binary}.partial`;
      try {
        await goBuild(peer, dir, partial);
      } catch (error) {
        rmSync(partial, { force: true });
        const reason = error instanceof GoBuildError ? error.output.split('\n').slice(-3).join(' / ') : String(error);
        log(`skipping ${peer}: its build failed: ${reason}`);
        builds.push({ peer, skipped: `build failed: ${reason}` });
        continue;
      }
      renameSync(partial, binary);
      // Older builds of the same peer: their inputs changed, they will not be used again.
      for (const name of readdirSync(cache)) {
        if (name.startsWith(`${peer}-`) && join(cache, name) !== binary) rmSync(join(cache, name), { force: true });
      }
    }
    builds.push({ peer, binary, dir });
  }
  return builds;
}
