import { execFile, spawnSync } from 'node:child_process';

export type ContainerEngineName = 'docker' | 'podman';

/**
 * docker or podman, whichever answers `info` first (the order of scripts/image.sh; a docker CLI
 * whose daemon is not running does not answer); undefined when neither does.
 */
export function detectContainerEngine(): ContainerEngineName | undefined {
  return (['docker', 'podman'] as const).find((engine) => spawnSync(engine, ['info'], { stdio: 'ignore', timeout: 60_000 }).status === 0);
}

/** A container engine command that exited non-zero or could not run; `stderr` holds what it said. */
export class ContainerCommandError extends Error {
  override readonly name = 'ContainerCommandError';

  constructor(
    readonly command: string,
    readonly stderr: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${command} failed: ${stderr.trim() || String(options.cause)}`, options);
  }
}

/** The docker or podman CLI, as a spec drives it: one command at a time, its output as text. */
export class ContainerEngine {
  constructor(readonly name: ContainerEngineName) {}

  /** Runs `<engine> ...args`; resolves with stdout (trimmed), rejects with a ContainerCommandError. */
  run(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.name, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new ContainerCommandError(`${this.name} ${args.join(' ')}`, stderr, { cause: error }));
        else resolve(stdout.trim());
      });
    });
  }

  /** `inspect --format`: one Go template over a container, or over an image with `kind` 'image'. */
  inspect(target: string, format: string, kind: 'container' | 'image' = 'container'): Promise<string> {
    return this.run([kind, 'inspect', '--format', format, target]);
  }

  /** Runs `args` inside a running container. */
  exec(container: string, args: readonly string[]): Promise<string> {
    return this.run(['exec', container, ...args]);
  }

  /** Removes what a spec made, ignoring what is already gone: containers, then volumes, then images. */
  async remove(made: { containers?: string[]; volumes?: string[]; images?: string[] }): Promise<void> {
    const quietly = (args: string[]) => this.run(args).catch(() => '');
    for (const container of made.containers ?? []) await quietly(['rm', '--force', container]);
    for (const volume of made.volumes ?? []) await quietly(['volume', 'rm', '--force', volume]);
    for (const image of made.images ?? []) await quietly(['rmi', '--force', image]);
  }
}
