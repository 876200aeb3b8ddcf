import { InvalidJsonError } from '../errors/invalid-json.error';
import { parseCallbackJson } from './parse-callback-json';

describe('parseCallbackJson', () => {
  it('keeps a bare-integer account beyond 2^53 exact, as a string', () => {
    const body = parseCallbackJson(Buffer.from('{"MemberList":[{"Member_Account":144115233775727695}]}'));
    expect(body.MemberList).toEqual([{ Member_Account: '144115233775727695' }]);
  });

  it('turns small integer accounts into their digit strings too', () => {
    const body = parseCallbackJson('{"Operator_Account":42,"To_Account":"x"}');
    expect(body).toEqual({ Operator_Account: '42', To_Account: 'x' });
  });

  it('keeps ordinary numbers as numbers and unsafe integers as their exact text', () => {
    const body = parseCallbackJson('{"EventTime":1703589922780,"Big":123456789012345678901,"F":1.5}');
    expect(body).toEqual({ EventTime: 1703589922780, Big: '123456789012345678901', F: 1.5 });
  });

  it.each([
    ['an exponent integer', '{"Big":1e300}', { Big: '1e300' }],
    ['an escaped account key', '{"Member\\u005fAccount":5}', { Member_Account: '5' }],
    ['a spaced account number', '{"To_Account" :  -7}', { To_Account: '-7' }],
    ['plain text without numbers to keep', '{"RoomId":"r","EventTime":1703589922780,"F":0.5}', { RoomId: 'r', EventTime: 1703589922780, F: 0.5 }],
  ])('parses %s exactly whichever path it takes', (_name, text, expected) => {
    expect(parseCallbackJson(text)).toEqual(expected);
  });

  describe('gives what the source-text reviver gives, whichever path a text takes', () => {
    /** The rule, written as the reviver: an `*_Account` number or an unsafe integer becomes its source text. */
    const reference = (text: string): unknown =>
      JSON.parse(text, (key: string, value: unknown, context?: { source?: string }) =>
        typeof value === 'number' && context?.source !== undefined && (/_Account$/.test(key) || (Number.isInteger(value) && !Number.isSafeInteger(value))) ? context.source : value,
      );
    const numbers = ['0', '-0', '5', '-5', '5.0', '5e2', '5E+2', '1e-2', '1e400', '144115233775727695', '-144115233775727695', '9007199254740991', '9007199254740993', '9007199254740991.9', '1.5e300', '0.1234567890123456789'];
    const shapes: [string, (n: string) => string][] = [
      ['an account', (n) => `{"MemberList":[{"Member_Account":${n}}]}`],
      ['a spaced account', (n) => `{"Operator_Account" :\t\r\n ${n} ,"x":1}`],
      ['an account key spelled with an escape', (n) => `{"Member\\u005fAccount":${n}}`],
      ['a key ending in Accounts', (n) => `{"x_Accounts":${n}}`],
      ['another key', (n) => `{"EventTime":${n},"To_Account":"t"}`],
      ['array elements', (n) => `{"a":[${n},"x_Account",${n}]}`],
      ['an account-like text in a string', (n) => `{"note":"a_Account\\": ${n}","b_Account":${n}}`],
    ];
    it.each(shapes.flatMap(([shape, of]) => numbers.map((n) => [shape, n, of(n)])))('%s = %s', (_shape, _number, text) => {
      expect(parseCallbackJson(text)).toStrictEqual(reference(text));
    });

    it.each(['{"Member_Account":01}', '{"Member_Account":1.}', '{"Member_Account":5,}', '{"a":1,"Member_Account":-}', '{"Member_Account":5 "x":1}'])('words the error of %s as the text it was sent', (text) => {
      let expected = '';
      try {
        JSON.parse(text);
      } catch (error) {
        expected = (error as Error).message;
      }
      expect(() => parseCallbackJson(text)).toThrow(`request body is not valid JSON: ${expected}`);
    });
  });

  it.each([
    ['empty body', ''],
    ['truncated JSON', '{"RoomId":'],
    ['an array', '[1,2]'],
    ['a string', '"x"'],
    ['null', 'null'],
  ])('rejects %s with InvalidJsonError', (_name, text) => {
    expect(() => parseCallbackJson(Buffer.from(text))).toThrow(InvalidJsonError);
  });

  it('parses any nesting depth, leaving the bound to validateBody; the reviver\'s recursion is answered as too deep', () => {
    const arrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseCallbackJson(`{"a":${arrays}}`).a).toBeInstanceOf(Array);
    expect(() => parseCallbackJson(`{"s":"\\u0041","a":${arrays}}`)).toThrow('request body nests too deep');
  });

  it('rejects invalid UTF-8', () => {
    expect(() => parseCallbackJson(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toThrow('not valid UTF-8');
  });

  it('says where the JSON is broken', () => {
    expect(() => parseCallbackJson('{"a":}')).toThrow(/not valid JSON: .+/);
  });
});
