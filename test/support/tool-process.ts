import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** How an operator tool run ended. */
export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Entry of a built operator tool (`nest build relay` compiles scripts/<tool> into dist). */
export function toolEntry(tool: 'simulate' | 'dlq'): string {
  return join(ROOT, 'dist', 'scripts', tool, 'main.js');
}

/**
 * Runs a built operator tool as its own process, as `npm run <tool>` does, and resolves with its
 * exit code and output (never rejects on a non-zero exit: that is what the specs assert).
 */
export async function runTool(tool: 'simulate' | 'dlq', args: readonly string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<ToolRun> {
  const entry = toolEntry(tool);
  if (!existsSync(entry)) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', 'relay'], { cwd: ROOT, stdio: 'ignore' });
  }
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      ['--disable-warning=TimeoutNegativeWarning', entry, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolveRun({ code, stdout, stderr });
      },
    );
  });
}
