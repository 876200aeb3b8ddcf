import { ProgressLine } from './progress-line';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const fake = { isTTY, text: '', write: (chunk: string) => ((fake.text += chunk), true) };
  return fake as unknown as NodeJS.WriteStream & { text: string };
}

describe('ProgressLine', () => {
  const progress = { elapsedMs: 15_000, durationMs: 60_000, sent: 3000, acknowledged: 2990, refused: 10, networkErrors: 0 };

  it('redraws one line in place on a terminal, with the refusals when there are any', () => {
    const out = stream(true);
    const line = new ProgressLine(out);
    line.update(progress);
    expect(out.text).toBe(`\r${'█'.repeat(6)}${'░'.repeat(18)}  25%  15/60 s  sent 3000  ok 2990  refused 10\x1b[K`);
    line.update({ ...progress, refused: 0 });
    expect(out.text.endsWith('ok 2990\x1b[K')).toBe(true);
    line.clear();
    expect(out.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('prints nothing when the output is not a terminal', () => {
    const out = stream(false);
    const line = new ProgressLine(out);
    line.update(progress);
    line.note('reading');
    line.clear();
    expect(out.text).toBe('');
  });
});
