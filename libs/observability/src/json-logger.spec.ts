import { createAppLogger, levelsFrom } from './json-logger';

function capture(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const writeErr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createAppLogger (json)', () => {
  it('writes one JSON object per line with the structured fields at the top level', () => {
    const logger = createAppLogger({ level: 'log', format: 'json' });
    const [line] = capture(() =>
      logger.warn({ message: 'callback rejected', requestId: 'r-1', roomId: 'room-1', callbackCommand: 'Live.X' }, 'LiveWebhookService'),
    );
    expect(line).toMatchObject({
      level: 'warn',
      context: 'LiveWebhookService',
      message: 'callback rejected',
      requestId: 'r-1',
      roomId: 'room-1',
      callbackCommand: 'Live.X',
    });
    expect(typeof line.timestamp).toBe('number');
  });

  it('masks secrets wherever they appear', () => {
    const logger = createAppLogger({ level: 'log', format: 'json' });
    const [line] = capture(() =>
      logger.log({ message: 'connecting', sasl: { mechanism: 'plain', username: 'relay', password: 'hunter2' }, token: 't0k3n', Sign: 'abc' }, 'Test'),
    );
    const text = JSON.stringify(line);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('t0k3n');
    expect(text).not.toContain('"abc"');
    expect(line).toMatchObject({ sasl: { username: 'relay' } });
  });

  it('drops levels below the configured one', () => {
    const logger = createAppLogger({ level: 'warn', format: 'json' });
    const lines = capture(() => {
      logger.log({ message: 'chatty' }, 'Test');
      logger.debug({ message: 'chattier' }, 'Test');
      logger.error({ message: 'bad' }, undefined, 'Test');
    });
    expect(lines.map((line) => line.message)).toEqual(['bad']);
    expect(levelsFrom('warn')).toEqual(['fatal', 'error', 'warn']);
  });
});
