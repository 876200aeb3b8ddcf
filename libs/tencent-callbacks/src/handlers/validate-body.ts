import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ValidationFailedError } from '../errors/validation-failed.error';

/** Problems named in the message (and so in the answer, the logs and the dead letter): a hostile body can have 100,000. */
const MAX_PROBLEMS_SHOWN = 10;
const MAX_PROBLEMS_KEPT = 100;

function describe(errors: readonly ValidationError[], parent: string, out: string[]): void {
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push(`${path}: ${message}`);
    }
    describe(error.children ?? [], path, out);
  }
}

/**
 * Transforms a parsed body into `type` and validates it; throws {@link ValidationFailedError}
 * naming every failing field.
 */
export function validateBody<T extends object>(type: ClassConstructor<T>, body: Record<string, unknown>): T {
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, { forbidUnknownValues: true, validationError: { target: false, value: false } });
  if (errors.length > 0) {
    const problems: string[] = [];
    describe(errors, '', problems);
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
    const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
    throw new ValidationFailedError(`invalid callback body: ${shown.join('; ')}${more}`, problems.slice(0, MAX_PROBLEMS_KEPT));
  }
  return instance;
}
