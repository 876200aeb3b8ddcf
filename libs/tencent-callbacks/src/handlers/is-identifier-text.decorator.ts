import { ValidateBy, type ValidationOptions } from 'class-validator';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether `value` can identify a room or an account: a string that is not blank and is
 * well-formed Unicode. A lone surrogate would become U+FFFD in the UTF-8 Kafka key while the
 * JSON value keeps it escaped, so key and `roomId` would disagree.
 */
export function isIdentifierText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !LONE_SURROGATE.test(value);
}

/** class-validator decorator of {@link isIdentifierText}. */
export function IsIdentifierText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIdentifierText',
      validator: {
        validate: (value: unknown) => isIdentifierText(value),
        defaultMessage: () => 'must be a non-blank string of well-formed Unicode',
      },
    },
    options,
  );
}
