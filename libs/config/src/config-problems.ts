/** One problem of a configuration: the variable and what is wrong with it. */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
}

/**
 * The message of a configuration error: `Invalid configuration: PORT must be …` for one problem,
 * and for several, a first line counting them and one indented line per problem, so that a start
 * without environment names every missing variable at once.
 */
export function configErrorMessage(problems: readonly ConfigProblem[]): string {
  const lines = problems.map(({ variable, problem }) => `${variable} ${problem}`);
  return lines.length === 1 ? `Invalid configuration: ${lines[0]}` : `Invalid configuration (${lines.length} problems):\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/**
 * Runs the reads of a configuration one after the other, keeping the problems they throw (errors
 * of `problemType`, the app's own configuration error) instead of stopping at the first; any
 * other error still propagates. The app then throws one error naming all of them.
 */
export class ConfigProblems<E extends Error & ConfigProblem> {
  private readonly found: E[] = [];

  constructor(private readonly problemType: abstract new (...args: never[]) => E) {}

  /**
   * What `read` returns; when it throws a problem, the problem is kept and `undefined` is returned
   * in place of a `T`: a caller builds its result from these values only when {@link all} is empty.
   */
  read<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof this.problemType)) throw error;
      this.add(error);
      return undefined as T;
    }
  }

  /** Keeps a problem found outside a read (a rule between variables). */
  add(problem: E): void {
    // A variable two reads depend on (TRTC_SDK_APP_IDS defaults to TENCENT_SDK_APP_IDS) is named once.
    if (!this.found.some((known) => known.message === problem.message)) this.found.push(problem);
  }

  /** The problems kept, in the order found. */
  get all(): readonly E[] {
    return this.found;
  }
}
