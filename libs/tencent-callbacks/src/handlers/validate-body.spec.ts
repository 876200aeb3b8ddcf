import 'reflect-metadata';
import { IsOptional } from 'class-validator';
import { InvalidJsonError } from '../errors/invalid-json.error';
import { MAX_NESTING_DEPTH, validateBody } from './validate-body';

class AnythingDto {
  @IsOptional()
  a?: unknown;
}

function nested(depth: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let level = 1; level < depth; level++) value = [value];
  return { a: value };
}

describe('validateBody nesting bound', () => {
  it(`accepts a body nested ${MAX_NESTING_DEPTH} levels deep`, () => {
    expect(validateBody(AnythingDto, nested(MAX_NESTING_DEPTH)).a).toBeInstanceOf(Array);
  });

  it.each([MAX_NESTING_DEPTH + 1, 100_000])('refuses a body nested %i levels deep before class-validator sees it', (depth) => {
    expect(() => validateBody(AnythingDto, nested(depth))).toThrow(new InvalidJsonError(`request body nests deeper than ${MAX_NESTING_DEPTH} levels`));
  });
});
