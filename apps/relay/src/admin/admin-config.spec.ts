import { ConfigError, loadRelayConfig } from '../config/relay-config';

describe('ADMIN_TOKEN', () => {
  const base = { KAFKA_BROKERS: '127.0.0.1:9092', TENCENT_SDK_APP_IDS: '1400000001' };

  it('is off unless set', () => {
    expect(loadRelayConfig(base).admin).toEqual({ token: undefined });
    expect(loadRelayConfig({ ...base, ADMIN_TOKEN: '  ' }).admin).toEqual({ token: undefined });
  });

  it('takes 32 to 512 visible characters', () => {
    const token = 'a1b2c3d4'.repeat(4);
    expect(loadRelayConfig({ ...base, ADMIN_TOKEN: token }).admin.token).toBe(token);
    expect(loadRelayConfig({ ...base, ADMIN_TOKEN: 'x'.repeat(512) }).admin.token).toHaveLength(512);
  });

  it.each(['short', 'x'.repeat(31), 'x'.repeat(513), `${'x'.repeat(20)} ${'y'.repeat(20)}`, `${'x'.repeat(32)}é`])('refuses a bad value, naming the variable and not the value', (token) => {
    let error: unknown;
    try {
      loadRelayConfig({ ...base, ADMIN_TOKEN: token });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('ADMIN_TOKEN');
    expect((error as Error).message).toMatch(/^Invalid configuration: ADMIN_TOKEN must be 32 to 512 visible ASCII characters/);
    expect((error as Error).message).not.toContain(token);
  });
});
