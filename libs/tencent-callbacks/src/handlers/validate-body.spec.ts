import 'reflect-metadata';
import { ArrayNotEmpty, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { ValidationFailedError } from '../errors/validation-failed.error';
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

class ChecksDto {
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  Name!: string;

  @IsArray({ message: 'must be an array' })
  @ArrayNotEmpty({ message: 'must not be empty' })
  @IsInt({ each: true, message: 'must list integers' })
  Ids!: number[];

  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must not be negative' })
  Count?: number;
}

function problemsOf(body: Record<string, unknown>): readonly string[] {
  try {
    validateBody(ChecksDto, body);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.problems;
    throw error;
  }
  return [];
}

describe('validateBody: one problem per field', () => {
  it('says a missing required field is required, instead of every check it fails', () => {
    expect(problemsOf({ Ids: [1] })).toEqual(['Name: is required']);
    expect(problemsOf({ Name: 'a' })).toEqual(['Ids: is required']);
  });

  it('names the first failing check in the order the DTO declares them', () => {
    expect(problemsOf({ Name: 5, Ids: 'x' })).toEqual(['Name: must be a string', 'Ids: must be an array']);
    expect(problemsOf({ Name: '', Ids: [] })).toEqual(['Name: must not be empty', 'Ids: must not be empty']);
    expect(problemsOf({ Name: 'a', Ids: [1, 'b'] })).toEqual(['Ids: must list integers']);
    expect(problemsOf({ Name: 'a', Ids: [1], Count: 1.5 })).toEqual(['Count: must be an integer']);
    expect(problemsOf({ Name: 'a', Ids: [1], Count: -1 })).toEqual(['Count: must not be negative']);
  });

  it('leaves an optional field alone when it is absent', () => {
    expect(problemsOf({ Name: 'a', Ids: [1] })).toEqual([]);
  });
});
