import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { InvalidJsonError } from '../errors/invalid-json.error';
import { ValidationFailedError } from '../errors/validation-failed.error';

/**
 * Deepest nesting of arrays and objects class-validator is given. Tencent's callbacks nest a few
 * levels; a body nested thousands deep would overflow the stack of class-transformer and
 * class-validator. Handlers' fast paths read only the fields they know, so only this path checks.
 */
export const MAX_NESTING_DEPTH = 64;

/** Problems named in the message (and so in the answer, the logs and the dead letter): a hostile body can have 100,000. */
const MAX_PROBLEMS_SHOWN = 10;
const MAX_PROBLEMS_KEPT = 100;

/** class-validator's key for "a nested value is not an object or array", reported after a property's own checks. */
const NESTED_VALIDATION = 'nestedValidation';

/**
 * The one problem of a property: `is required` when it is absent (every check of a required field
 * fails then, and three messages would say one thing), else its first failing check in the order
 * the DTO declares them. class-validator runs a property's checks from the decorator nearest the
 * property up, so the topmost decorator's check is the last one recorded (before the nested
 * validation, which runs after them all).
 */
function problemOf(error: ValidationError): string | undefined {
  const constraints = error.constraints ?? {};
  const keys = Object.keys(constraints);
  if (keys.length === 0) return undefined;
  if (error.value === undefined) return 'is required';
  const own = keys.filter((key) => key !== NESTED_VALIDATION);
  return constraints[own.length > 0 ? own[own.length - 1] : keys[0]];
}

function describe(errors: readonly ValidationError[], parent: string, out: string[]): void {
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const problem = problemOf(error);
    // A field wrong as a whole (not a list of objects, say) is one problem, not one per element too.
    if (problem !== undefined) out.push(`${path}: ${problem}`);
    else describe(error.children ?? [], path, out);
  }
}

/** Whether arrays and objects nest deeper than `max` in `value` (walked without recursion, so any depth is safe). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (depth > max) {
      return true;
    }
    for (const child of Object.values(current as object)) {
      if (child !== null && typeof child === 'object') {
        pending.push([child, depth + 1]);
      }
    }
  }
  return false;
}

/**
 * Transforms a parsed body into `type` and validates it; throws {@link ValidationFailedError}
 * naming every failing field with one problem each ({@link problemOf}), or {@link InvalidJsonError} for a body nested deeper than
 * {@link MAX_NESTING_DEPTH}.
 */
export function validateBody<T extends object>(type: ClassConstructor<T>, body: Record<string, unknown>): T {
  if (nestsDeeperThan(body, MAX_NESTING_DEPTH)) {
    throw new InvalidJsonError(`request body nests deeper than ${MAX_NESTING_DEPTH} levels`);
  }
  const instance = plainToInstance(type, body);
  // `value` tells an absent field from a wrong one; the errors are read here only, never kept.
  const errors = validateSync(instance, { forbidUnknownValues: true, validationError: { target: false, value: true } });
  if (errors.length > 0) {
    const problems: string[] = [];
    describe(errors, '', problems);
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
    const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
    throw new ValidationFailedError(`invalid callback body: ${shown.join('; ')}${more}`, problems.slice(0, MAX_PROBLEMS_KEPT));
  }
  return instance;
}
