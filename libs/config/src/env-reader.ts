import type { ConfigVariable } from './config-variable.interface';

export type Env = Record<string, string | undefined>;

/** Builds the app's own error for a bad variable; its message must name the variable. */
export type ConfigErrorFactory<Name extends string> = (variable: Name, problem: string) => Error;

/**
 * Reads typed values from the environment against a list of {@link ConfigVariable}s: blank counts
 * as unset, defaults come from the list, and every problem is thrown as the app's own error
 * naming the variable, e.g. `Invalid configuration: PORT must be an integer from 0 to 65535, got "x"`.
 */
export class EnvReader<Name extends string> {
  constructor(
    private readonly env: Env,
    private readonly variables: readonly ConfigVariable[],
    private readonly error: ConfigErrorFactory<Name>,
  ) {}

  /** The value, or the documented default; throws when a required variable is unset. */
  raw(name: Name): string | undefined {
    const value = this.env[name]?.trim();
    if (value !== undefined && value !== '') {
      return value;
    }
    const spec = this.variables.find((variable) => variable.name === name);
    if (spec === undefined) {
      throw new Error(`${name} is not a documented configuration variable`);
    }
    if (spec.required) {
      throw this.error(name, `is required: ${spec.description}`);
    }
    return spec.default;
  }

  string(name: Name): string {
    const value = this.raw(name);
    if (value === undefined) {
      throw this.error(name, 'is required');
    }
    return value;
  }

  integer(name: Name, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const text = this.string(name);
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw this.error(name, `must be an integer from ${min} to ${max}, got "${text}"`);
    }
    return value;
  }

  boolean(name: Name): boolean {
    const text = this.string(name).toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw this.error(name, `must be true or false, got "${text}"`);
  }

  oneOf<T extends string>(name: Name, allowed: readonly T[]): T {
    const text = this.string(name).toLowerCase();
    if (!(allowed as readonly string[]).includes(text)) {
      throw this.error(name, `must be one of ${allowed.join(', ')}, got "${text}"`);
    }
    return text as T;
  }

  /** The app's error for a problem found outside this reader's own checks. */
  fail(name: Name, problem: string): Error {
    return this.error(name, problem);
  }

  list(name: Name): string[] {
    const items = this.string(name)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0) {
      throw this.error(name, 'must list at least one value');
    }
    return items;
  }
}
