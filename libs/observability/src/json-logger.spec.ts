import { createAppLogger, formatLogFields, levelsFrom, logColors } from './json-logger';

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

describe('createAppLogger (text)', () => {
  // An escape character: what starts every ANSI colour code.
  const ANSI = new RegExp(String.fromCharCode(27));

  it('writes the message and its fields as key=value on one line, not Object(4) { … }', () => {
    const logger = createAppLogger({ level: 'log', format: 'text', colors: false });
    const [line] = captureText(() =>
      logger.error({ message: 'Kafka still unreachable', forS: 120, attempts: 31, lastError: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', brokers: ['a:1'] }, undefined, 'OutboxDrain'),
    );
    expect(line).toMatch(/ ERROR \[OutboxDrain\] Kafka still unreachable forS=120 attempts=31 lastError="Connection error: connect ECONNREFUSED 127.0.0.1:9092" brokers=\["a:1"\]\n$/);
    expect(line).not.toContain('Object(');
    expect(line.split('\n')).toHaveLength(2);
  });

  it('masks secrets in text lines too', () => {
    const logger = createAppLogger({ level: 'log', format: 'text', colors: false });
    const [line] = captureText(() => logger.log({ message: 'connecting', sasl: { username: 'relay', password: 'hunter2' } }, 'Test'));
    expect(line).not.toContain('hunter2');
    expect(line).toContain('"username":"relay"');
  });

  it('has no colour codes when told so, and colours the level and context when told so', () => {
    const plain = captureText(() => createAppLogger({ level: 'log', format: 'text', colors: false }).warn({ message: 'odd', roomId: 'r 1' }, 'Test'))[0];
    expect(plain).not.toMatch(ANSI);
    expect(plain).toContain('[Test] odd roomId="r 1"');
    const coloured = captureText(() => createAppLogger({ level: 'log', format: 'text', colors: true }).warn({ message: 'odd' }, 'Test'))[0];
    expect(coloured).toMatch(ANSI);
  });

  it('colours by default only when stdout is a terminal', () => {
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    const env = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
    delete process.env.NO_COLOR;
    delete process.env.FORCE_COLOR;
    try {
      Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
      expect(captureText(() => createAppLogger({ level: 'log', format: 'text' }).log({ message: 'to a file' }, 'Test'))[0]).not.toMatch(ANSI);
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      expect(captureText(() => createAppLogger({ level: 'log', format: 'text' }).log({ message: 'to a terminal' }, 'Test'))[0]).toMatch(ANSI);
    } finally {
      if (tty === undefined) delete (process.stdout as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stdout, 'isTTY', tty);
      for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
    }
  });
});

describe('logColors', () => {
  const terminal = { isTTY: true };
  const file = { isTTY: false };

  it('colours a terminal, not a file or a pipe, nor TERM=dumb', () => {
    expect(logColors(terminal, {})).toBe(true);
    expect(logColors(file, {})).toBe(false);
    expect(logColors({}, {})).toBe(false);
    expect(logColors(terminal, { TERM: 'dumb' })).toBe(false);
  });

  it('honours NO_COLOR (set and not empty) on a terminal', () => {
    expect(logColors(terminal, { NO_COLOR: '1' })).toBe(false);
    expect(logColors(terminal, { NO_COLOR: '' })).toBe(true);
  });

  it('honours FORCE_COLOR: on for a file, off for 0 or false, ahead of NO_COLOR', () => {
    expect(logColors(file, { FORCE_COLOR: '1' })).toBe(true);
    expect(logColors(file, { FORCE_COLOR: 'true', NO_COLOR: '1' })).toBe(true);
    expect(logColors(terminal, { FORCE_COLOR: '0' })).toBe(false);
    expect(logColors(terminal, { FORCE_COLOR: 'false' })).toBe(false);
    expect(logColors(file, { FORCE_COLOR: '' })).toBe(false);
  });
});

describe('formatLogFields', () => {
  it('leaves plain tokens bare, quotes other strings, writes objects as compact JSON, leaves out undefined', () => {
    expect(formatLogFields({ a: 'room-1', b: 'two words', c: '', d: 3, e: true, f: { x: [1] }, g: undefined, h: null, i: 12n, j: new Error('boom'), k: 'line\nbreak' })).toBe(
      'a=room-1 b="two words" c="" d=3 e=true f={"x":[1]} h=null i=12 j="boom" k="line\\nbreak"',
    );
  });
});
