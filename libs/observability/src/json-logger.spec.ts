import { createAppLogger, levelsFrom } from './json-logger';

function captureText(run: () => void): string[] {
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
  return lines;
}

function capture(run: () => void): Record<string, unknown>[] {
  return captureText(run).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A room id as long as the one that was logged whole on every retry. */
const HUGE = 'r'.repeat(400 * 1024);

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

describe('createAppLogger: caller input is quoted up to a bound', () => {
  it.each(['json', 'text'] as const)('cuts a 400 KB field of a %s line, saying how long it was', (format) => {
    const logger = createAppLogger({ level: 'log', format });
    const [line] = captureText(() => logger.error({ message: 'publishing to Kafka failed; will retry', firstRoomId: HUGE, nested: { roomId: HUGE } }, undefined, 'OutboxDrain'));
    expect(line.length).toBeLessThan(4 * 1024);
    expect(line).toContain(`(${HUGE.length} chars)`);
  });

  it('cuts a 400 KB string message too', () => {
    const logger = createAppLogger({ level: 'log', format: 'json' });
    const [line] = captureText(() => logger.warn(`room ${HUGE} is odd`, 'Test'));
    expect(line.length).toBeLessThan(4 * 1024);
  });

  it('leaves ordinary lines whole', () => {
    const logger = createAppLogger({ level: 'log', format: 'json' });
    const roomId = 'x'.repeat(128);
    const [line] = capture(() => logger.warn({ message: 'callback rejected', roomId }, 'Test'));
    expect(line.roomId).toBe(roomId);
  });
});
