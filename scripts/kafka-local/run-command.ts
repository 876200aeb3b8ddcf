/** Runs a short-lived command (mvn, Kafka's StorageTool) to completion, collecting its output. */
import { spawn } from 'node:child_process';

/** How a command ended, with its stdout and stderr interleaved. */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs `cmd args` in `cwd`; rejects only when it cannot be spawned. */
export function runCommand(cmd: string, args: string[], cwd?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => chunks.push(d));
    child.stderr?.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** How a command ended, for an error message: its exit code, else the signal. */
export function describeExit(result: CommandResult): string {
  return String(result.code ?? result.signal);
}

export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));
