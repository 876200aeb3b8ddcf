import { tlsUserSig, userSigProblem } from './tls-user-sig';

// The key and account of Tencent's own sample (TLSSigAPITest.js of tls-sig-api-v2 1.0.2).
const SDK_APP_ID = '1400000000';
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const NOW = 1_700_000_000_000;

describe('tlsUserSig', () => {
  it.each([
    // Made by tls-sig-api-v2 1.0.2 (`new Api(1400000000, KEY).genUserSig(id, expire)` with Date.now() = 1700000000000).
    ['administrator', 86_400, 'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCxKVbKyMDOBCRVnpitZKVX6OKZql5uHh6aGlhYmhVlm6IdEmFuUGhnmh7hnamdaRhUYlhoHFORFmhnYKtUCAK0SM5I_'],
    ['xiaojun', 86_400 * 180, 'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYUZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__'],
  ])('gives what Tencent\'s tls-sig-api-v2 gives for %s', (identifier, expireS, expected) => {
    expect(tlsUserSig({ sdkAppId: SDK_APP_ID, secretKey: KEY, identifier, expireS, nowMs: NOW })).toBe(expected);
  });
});

describe('userSigProblem', () => {
  const sig = tlsUserSig({ sdkAppId: SDK_APP_ID, secretKey: KEY, identifier: 'administrator', expireS: 3600, nowMs: NOW });
  const expected = { sdkAppId: SDK_APP_ID, secretKey: KEY, identifier: 'administrator', nowMs: NOW + 1000 };

  it('accepts a good signature within its lifetime', () => {
    expect(userSigProblem(sig, expected)).toBeUndefined();
  });

  it.each([
    ['expired', { nowMs: NOW + 3601_000 }, 'expired'],
    ['signed with another key', { secretKey: 'another key' }, 'mismatch'],
    ['for another account', { identifier: 'someone' }, 'wrong_identity'],
    ['for another app', { sdkAppId: '1400000001' }, 'wrong_identity'],
  ] as const)('refuses one %s', (_name, change, problem) => {
    expect(userSigProblem(sig, { ...expected, ...change })).toBe(problem);
  });

  it('refuses text that is not a UserSig', () => {
    expect(userSigProblem('not-a-sig', expected)).toBe('malformed');
    expect(userSigProblem(Buffer.from('{}').toString('base64'), expected)).toBe('malformed');
  });
});
