/** Exit status of an app its own settings keep from starting (sysexits' EX_CONFIG), the same for every app. */
export const EXIT_BAD_SETTING = 78;

/**
 * Runs an app's start-up checks and returns what they read. An error `lineOf` recognizes as the
 * operator's to fix (a bad variable, an unusable data folder) ends the process with that one line on
 * stderr and exit {@link EXIT_BAD_SETTING}, no stack; any other error is thrown on.
 */
export async function settingsOrExit<T>(check: () => T | Promise<T>, lineOf: (error: unknown) => string | undefined): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const line = lineOf(error);
    if (line === undefined) throw error;
    process.stderr.write(`${line}\n`);
    return process.exit(EXIT_BAD_SETTING);
  }
}
