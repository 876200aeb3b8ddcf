import { ValidateBy, type ValidationOptions } from 'class-validator';

/** class-validator decorator: a non-negative safe integer, milliseconds since the epoch. */
export function IsEpochMillis(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEpochMillis',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0,
        defaultMessage: () => 'must be an integer number of milliseconds since the epoch (a number or a numeric string)',
      },
    },
    options,
  );
}
