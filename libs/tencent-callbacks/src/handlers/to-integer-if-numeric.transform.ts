const NUMERIC_STRING = /^\d{1,20}$/;

/** class-transformer `@Transform`: a numeric string for an integer field becomes its number (one of Tencent's samples sends one). */
export function toIntegerIfNumeric({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && NUMERIC_STRING.test(value) ? Number(value) : value;
}
