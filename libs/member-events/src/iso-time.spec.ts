import { isoTime } from './iso-time';

const dateIso = (ms: number): string => new Date(ms).toISOString();

describe('isoTime', () => {
  it.each([0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 1_703_589_922_780, 4_107_542_399_999, 253_402_300_799_999])('formats %d as Date does', (ms) => {
    expect(isoTime(ms)).toBe(dateIso(ms));
  });

  it('formats every day from 1970 to 2200, the turn of every year to 9999, and random times, as Date does', () => {
    const times: number[] = [];
    for (let ms = 0; ms < Date.UTC(2200, 0, 1); ms += 86_400_000) times.push(ms, ms + 86_399_999, ms + 43_261_001);
    for (let year = 1970; year <= 9999; year++) {
      const start = Date.UTC(year, 0, 1);
      times.push(start, start - 1, start + 59 * 86_400_000 - 1, start + 59 * 86_400_000, start + 60 * 86_400_000);
    }
    let seed = 7;
    for (let index = 0; index < 100_000; index++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      times.push(Math.floor((seed / 2_147_483_648) * 253_402_300_799_999));
    }
    const mismatches = times.filter((ms) => ms >= 0 && isoTime(ms) !== dateIso(ms));
    expect(times.length).toBeGreaterThan(350_000);
    expect(mismatches).toEqual([]);
  });

  it('leaves times before 1970, after 9999, fractional or invalid to Date, which also throws its RangeError', () => {
    for (const ms of [-1, -62_198_755_200_000, 253_402_300_800_000, 8.64e15, 1.5]) {
      expect(isoTime(ms)).toBe(dateIso(ms));
    }
    expect(() => isoTime(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
