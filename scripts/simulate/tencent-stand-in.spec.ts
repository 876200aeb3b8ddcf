import { GetMemberListClient, GetRoomListClient, RequestBudget, TencentAuthError, TencentRateLimitedError } from '@app/tencent-callbacks';
import { RoomTruth } from './room-truth';
import { TencentStandIn, type StandInOptions } from './tencent-stand-in';

const APP = '1400000001';
const KEY = 'stand-in-key';
const ADMIN = 'administrator';

describe('TencentStandIn with the reconciler\'s client', () => {
  let clock = 1_000_000;
  const truth = new RoomTruth();
  let standIn: TencentStandIn;
  let baseUrl: URL;

  async function start(options: Partial<StandInOptions> = {}): Promise<void> {
    await standIn?.close();
    standIn = new TencentStandIn(truth, { sdkAppId: APP, adminIdentifier: ADMIN, secretKey: KEY, refreshMs: 0, ratePerS: 200, pageSize: 100, now: () => clock, ...options });
    baseUrl = new URL(await standIn.listen(0));
  }

  function client(secretKey = KEY): GetMemberListClient {
    return new GetMemberListClient({ baseUrl, sdkAppId: APP, identifier: ADMIN, secretKey, requestTimeoutMs: 2_000, budget: new RequestBudget(1_000), now: () => clock });
  }

  function roomLister(secretKey = KEY): GetRoomListClient {
    return new GetRoomListClient({ baseUrl, sdkAppId: APP, identifier: ADMIN, secretKey, requestTimeoutMs: 2_000, budget: new RequestBudget(1_000), listBudget: new RequestBudget(1_000), now: () => clock });
  }

  afterAll(async () => standIn.close());

  it('lists a big room 1,000 at a time with the full MemberCount, paged with Next, big accounts exact', async () => {
    await start();
    const members = Array.from({ length: 1_500 }, (_, index) => ({ text: index === 0 ? '144115233775727695' : `m${index}`, bareInteger: index === 0 }));
    truth.record('big', clock - 10, members);
    const answer = await client().getMemberList('big');
    expect(answer).toMatchObject({ kind: 'list', memberCount: 1_500, pages: 10 });
    expect(answer.kind === 'list' && answer.listed.size).toBe(1_000);
    expect(answer.kind === 'list' && answer.listed.has('144115233775727695')).toBe(true);
    expect(standIn.stats.asks.get('big')).toHaveLength(1);
  });

  it('answers 100004 for a room never opened or destroyed, and refuses a UserSig of another key', async () => {
    await start();
    truth.record('gone', clock - 10, [{ text: 'a', bareInteger: false }]);
    truth.record('gone', clock - 5, null);
    expect(await client().getMemberList('gone')).toEqual({ kind: 'room_not_found' });
    expect(await client().getMemberList('never')).toEqual({ kind: 'room_not_found' });
    await expect(client('wrong key').getMemberList('gone')).rejects.toBeInstanceOf(TencentAuthError);
    expect(standIn.stats.badSignatures).toBe(1);
  });

  it('serves each room as it was at its last refresh', async () => {
    await start({ refreshMs: 40_000 });
    truth.record('fresh', clock, [{ text: 'early', bareInteger: false }]);
    clock += 40_001;
    truth.record('fresh', clock, [{ text: 'early', bareInteger: false }, { text: 'late', bareInteger: false }]);
    const first = await client().getMemberList('fresh');
    expect(first.kind === 'list' && [...first.listed]).toEqual(['early']);
    clock += 40_000;
    const second = await client().getMemberList('fresh');
    expect(second.kind === 'list' && [...second.listed].sort()).toEqual(['early', 'late']);
  });

  it('answers Tencent\'s rate-limit error past its rate', async () => {
    await start({ ratePerS: 2 });
    truth.record('r', clock - 1, []);
    await client().getMemberList('r');
    await client().getMemberList('r');
    await expect(client().getMemberList('r')).rejects.toBeInstanceOf(TencentRateLimitedError);
    clock += 1_001;
    await expect(client().getMemberList('r')).resolves.toMatchObject({ kind: 'list' });
    expect(standIn.stats).toMatchObject({ rateLimited: 1, maxPerSecond: 2 });
  });

  it('lists the rooms that exist, 20 a page with Next, most members first, and refuses a UserSig of another key', async () => {
    const lists = new RoomTruth();
    await standIn?.close();
    standIn = new TencentStandIn(lists, { sdkAppId: APP, adminIdentifier: ADMIN, secretKey: KEY, refreshMs: 0, ratePerS: 200, now: () => clock });
    baseUrl = new URL(await standIn.listen(0));
    for (let index = 0; index < 45; index += 1) lists.record(`room-${String(index).padStart(2, '0')}`, clock - 10, index === 44 ? [{ text: 'a', bareInteger: false }] : []);
    lists.record('closed', clock - 10, []);
    lists.record('closed', clock - 5, null);
    lists.record('later', clock + 10, []);
    const answer = await roomLister().getRoomList();
    expect(answer.pages).toBe(3);
    expect(answer.roomIds).toHaveLength(45);
    expect(answer.roomIds[0]).toBe('room-44');
    expect(answer.roomIds).not.toContain('closed');
    expect(answer.roomIds).not.toContain('later');
    expect(standIn.stats).toMatchObject({ requests: 3, roomListRequests: 3 });
    await expect(roomLister('wrong key').getRoomList()).rejects.toBeInstanceOf(TencentAuthError);
  });

  it("answers the rate-limit error past get_room_list's own 10/s, while get_member_list is still served", async () => {
    await start({ roomListRatePerS: 2 });
    truth.record('listed', clock - 1, []);
    await roomLister().getRoomList();
    await roomLister().getRoomList();
    await expect(roomLister().getRoomList()).rejects.toBeInstanceOf(TencentRateLimitedError);
    await expect(client().getMemberList('listed')).resolves.toMatchObject({ kind: 'list' });
    clock += 1_001;
    await expect(roomLister().getRoomList()).resolves.toMatchObject({ pages: 1 });
    expect(standIn.stats).toMatchObject({ roomListRateLimited: 1, rateLimited: 1, roomListMaxPerSecond: 2 });
  });
});
