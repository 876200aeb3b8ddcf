import type { SendProgress } from './callback-sender';

const WIDTH = 24;

/** One progress line, redrawn in place on a terminal; silent when the stream is not a TTY (CI, pipes). */
export class ProgressLine {
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(progress: SendProgress): void {
    if (!this.stream.isTTY) return;
    const share = Math.min(1, progress.elapsedMs / progress.durationMs);
    const filled = Math.round(share * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const seconds = `${(progress.elapsedMs / 1000).toFixed(0)}/${(progress.durationMs / 1000).toFixed(0)} s`;
    const problems = progress.refused + progress.networkErrors;
    const line = `${bar} ${String(Math.round(share * 100)).padStart(3)}%  ${seconds}  sent ${progress.sent}  ok ${progress.acknowledged}${problems > 0 ? `  refused ${problems}` : ''}`;
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** Shows a phase after sending (reading the topic) in place of the bar. */
  note(text: string): void {
    if (!this.stream.isTTY) return;
    this.stream.write(`\r${text}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
