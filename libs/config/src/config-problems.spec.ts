import { ConfigProblems, configErrorMessage } from './config-problems';

class TestConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(configErrorMessage([{ variable, problem }]));
  }
}

describe('ConfigProblems', () => {
  it('keeps the problem of each read that throws one and runs the reads after it', () => {
    const problems = new ConfigProblems(TestConfigError);
    const a = problems.read(() => {
      throw new TestConfigError('A', 'is required');
    });
    const b = problems.read(() => 2);
    problems.read(() => {
      throw new TestConfigError('C', 'must be a number');
    });
    expect(a).toBeUndefined();
    expect(b).toBe(2);
    expect(problems.all.map((problem) => problem.variable)).toEqual(['A', 'C']);
  });

  it('names a problem two reads meet once', () => {
    const problems = new ConfigProblems(TestConfigError);
    for (let i = 0; i < 2; i++) {
      problems.read(() => {
        throw new TestConfigError('A', 'is required');
      });
    }
    problems.add(new TestConfigError('A', 'is required'));
    expect(problems.all).toHaveLength(1);
  });

  it('lets any other error through: a bug is not a configuration problem', () => {
    const problems = new ConfigProblems(TestConfigError);
    expect(() =>
      problems.read(() => {
        throw new TypeError('undefined is not a function');
      }),
    ).toThrow(TypeError);
    expect(problems.all).toEqual([]);
  });
});

describe('configErrorMessage', () => {
  it('is one line for one problem, and a count and a line each for several', () => {
    expect(configErrorMessage([{ variable: 'PORT', problem: 'must be an integer' }])).toBe('Invalid configuration: PORT must be an integer');
    expect(configErrorMessage([{ variable: 'A', problem: 'is required' }, { variable: 'B', problem: 'is required' }])).toBe('Invalid configuration (2 problems):\n  A is required\n  B is required');
  });
});
