import { EXIT_BAD_SETTING, settingsOrExit } from './settings-or-exit';

class BadSetting extends Error {}

describe('settingsOrExit', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns what the checks read', async () => {
    await expect(settingsOrExit(() => ({ port: 3000 }), () => 'never')).resolves.toEqual({ port: 3000 });
  });

  it("ends the process with the operator's one line and exit 78", async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await settingsOrExit(
      () => {
        throw new BadSetting('PORT must be a whole number');
      },
      (error) => (error instanceof BadSetting ? `Invalid configuration: ${error.message}` : undefined),
    );
    expect(stderr).toHaveBeenCalledWith('Invalid configuration: PORT must be a whole number\n');
    expect(exit).toHaveBeenCalledWith(EXIT_BAD_SETTING);
    expect(EXIT_BAD_SETTING).toBe(78);
  });

  it('throws on any other error', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    await expect(settingsOrExit(() => Promise.reject(new Error('bug')), () => undefined)).rejects.toThrow('bug');
    expect(exit).not.toHaveBeenCalled();
  });
});
