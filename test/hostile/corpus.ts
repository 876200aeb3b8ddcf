import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { liveCallbackSign, trtcCallbackSign } from '@app/tencent-callbacks';

/** One hostile (or, for contrast, valid) request of the corpus. */
export interface HostileCase {
  name: string;
  method: string;
  path: string;
  /** Query string without `?`, sent byte for byte. */
  query: string;
  headers: Record<string, string>;
  body?: Buffer;
  /**
   * Room ids the case may legitimately publish when answered 200: only cases whose content is
   * a valid callback from an allowed, authenticated app. Anything else on the topic is a failure.
   */
  mayPublish: string[];
}

/** What the corpus needs to know of the relay it targets. */
export interface CorpusTarget {
  appId: string;
  /** An allowed app with a Live callback token (so the signature paths get hostile input too). */
  tokenAppId: string;
  token: string;
  trtcKey: string;
}

export const LIVE_PATH = '/webhooks/tencent/live';
export const TRTC_PATH = '/webhooks/tencent/trtc';

const JSON_VALUES: readonly [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['zero', 0],
  ['negative', -1],
  ['float', 1.5],
  ['huge number', 1e308],
  ['2^64', 18446744073709551616],
  ['empty string', ''],
  ['blank string', '   '],
  ['word', 'x'],
  ['numeric string', '1703589922780'],
  ['NUL string', '\u0000'],
  ['lone surrogate', '\ud800'],
  ['empty array', []],
  ['array of number', [1]],
  ['empty object', {}],
  ['object', { a: 1 }],
  ['long string', 'y'.repeat(20_000)],
];

const INVALID_JSON_TEXTS: readonly string[] = [
  '',
  ' ',
  'null',
  'true',
  '0',
  '"a string"',
  '[]',
  '[{}]',
  '{',
  '}',
  '{"RoomId":}',
  "{'RoomId':'a'}",
  '{"RoomId":"a",}',
  '{RoomId:"a"}',
  'NaN',
  '{"EventTime":NaN}',
  '{"EventTime":Infinity}',
  '{"EventTime":0x10}',
  '{"EventTime":01}',
  '{"a":1}/*comment*/',
  '// comment\n{}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"unterminated}',
  '{"a":1}{"b":2}',
  '\u0000{}',
  '{}\u0000',
  'undefined',
  '{"__proto__":}',
  '<xml/>',
  'SdkAppid=1&CallbackCommand=x',
];

const INVALID_UTF8: readonly [string, number[]][] = [
  ['0xff byte', [0xff]],
  ['0xfe 0xff', [0xfe, 0xff]],
  ['bad continuation', [0xc3, 0x28]],
  ['overlong slash', [0xc0, 0xaf]],
  ['encoded surrogate', [0xed, 0xa0, 0x80]],
  ['truncated 3-byte sequence', [0xe2, 0x82]],
  ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['lone continuation', [0x80]],
];

function liveQueryOf(appId: string, extra = ''): string {
  return `SdkAppid=${appId}&CallbackCommand=Live.CallbackAfterMemberStateChanged&contenttype=json&ClientIP=203.0.113.7&OptPlatform=Web${extra}`;
}

/** Builds the corpus: a few hundred cases, programmatic families plus the files in fixtures/. */
export function buildCorpus(target: CorpusTarget): HostileCase[] {
  const cases: HostileCase[] = [];
  let serial = 0;
  const room = () => `hostile-${++serial}`;
  const query = liveQueryOf(target.appId);

  const live = (name: string, body: Buffer | string | undefined, options: Partial<HostileCase> = {}) =>
    cases.push({
      name: `live: ${name}`,
      method: 'POST',
      path: LIVE_PATH,
      query,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
      mayPublish: [],
      ...options,
    });
  const sample = (roomId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: roomId,
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: [{ Member_Account: 'jared' }, { Member_Account: 'tommy' }],
    EventTime: 1703589922780,
    ...overrides,
  });

  // Valid controls: the relay must still accept these among the hostile ones.
  for (let index = 0; index < 3; index++) {
    const roomId = room();
    live(`valid control ${index}`, JSON.stringify(sample(roomId)), { mayPublish: [roomId] });
  }

  // Truncated JSON: the valid body cut at every 4th byte.
  const full = JSON.stringify(sample('truncated'));
  for (let length = 0; length < full.length; length += 4) {
    live(`truncated at ${length}/${full.length}`, full.slice(0, length));
  }

  for (const text of INVALID_JSON_TEXTS) {
    live(`invalid JSON ${JSON.stringify(text.slice(0, 30))}`, text);
  }

  // Wrong types in every field, and in the member entries.
  const fields = ['CallbackCommand', 'RoomId', 'EventType', 'EventCause', 'MemberList', 'EventTime'];
  for (const field of fields) {
    for (const [label, value] of JSON_VALUES) {
      const roomId = room();
      const body = sample(roomId, { [field]: value });
      live(`${field} = ${label}`, JSON.stringify(body), { mayPublish: [roomId, typeof value === 'string' ? value : ''] });
    }
    const roomId = room();
    const missing = sample(roomId);
    delete missing[field];
    live(`${field} missing`, JSON.stringify(missing), { mayPublish: [roomId] });
  }
  for (const [label, value] of JSON_VALUES) {
    const roomId = room();
    live(`MemberList[0] = ${label}`, JSON.stringify(sample(roomId, { MemberList: [value] })));
    const accountRoom = room();
    live(`Member_Account = ${label}`, JSON.stringify(sample(accountRoom, { MemberList: [{ Member_Account: value }] })), { mayPublish: [accountRoom] });
  }

  // Numbers as strings and strings as numbers.
  for (const [label, value, publishable] of [
    ['EventTime as numeric string', '1703589922780', true],
    ['EventTime as float string', '1.7e12', false],
    ['EventTime padded string', ' 1703589922780', false],
    ['EventTime as hex string', '0x10', false],
    ['EventTime beyond 2^53', Number('9007199254740993'), false],
    ['EventTime negative', -1703589922780, false],
    ['EventType as number', 1, false],
    ['EventCause as number', 1, false],
  ] as const) {
    const roomId = room();
    const key = label.startsWith('EventTime') ? 'EventTime' : label.startsWith('EventType') ? 'EventType' : 'EventCause';
    live(label, JSON.stringify(sample(roomId, { [key]: value })), { mayPublish: publishable ? [roomId] : [] });
  }
  const numericRoom = room();
  live('RoomId as bare number', JSON.stringify(sample(numericRoom)).replace(`"${numericRoom}"`, '12345'));
  // The parser keeps an integer beyond 2^53 as the string of its digits (as it does for accounts).
  live('RoomId as bare integer beyond 2^53', JSON.stringify(sample(room())).replace(/"RoomId":"[^"]+"/, '"RoomId":1234567890123456789012'), { mayPublish: ['1234567890123456789012'] });
  const bigAccount = room();
  live('Member_Account as bare integer beyond 2^53', JSON.stringify(sample(bigAccount)).replace('"jared"', '144115233775727695'), { mayPublish: [bigAccount] });

  // Deep nesting, in an unknown field, in a known one, and as the whole body.
  for (const depth of [64, 1_000, 10_000, 100_000]) {
    const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const roomId = room();
    live(`deep arrays (${depth}) in an unknown field`, JSON.stringify(sample(roomId)).replace(/^\{/, `{"Extra":${arrays},`), { mayPublish: [roomId] });
    const objectRoom = room();
    live(`deep objects (${depth}) in an unknown field`, JSON.stringify(sample(objectRoom)).replace(/^\{/, `{"Extra":${objects},`), { mayPublish: [objectRoom] });
    live(`deep objects (${depth}) as MemberList`, JSON.stringify(sample(room())).replace(/"MemberList":\[[^\]]*\]/, `"MemberList":[${objects}]`));
    live(`deep arrays (${depth}) as the body`, arrays);
  }

  // Huge arrays.
  const manyMembersRoom = room();
  live('MemberList of 20000 members', JSON.stringify(sample(manyMembersRoom, { MemberList: Array.from({ length: 20_000 }, (_, index) => ({ Member_Account: `u${index}` })) })), { mayPublish: [manyMembersRoom] });
  live('MemberList of 100000 nulls', JSON.stringify(sample(room(), { MemberList: Array.from({ length: 100_000 }, () => null) })));
  live('MemberList of 100000 empty objects', JSON.stringify(sample(room(), { MemberList: Array.from({ length: 100_000 }, () => ({})) })));
  const hugeExtraRoom = room();
  live('unknown field with 200000 numbers', JSON.stringify(sample(hugeExtraRoom, { Extra: Array.from({ length: 200_000 }, () => 1) })), { mayPublish: [hugeExtraRoom] });
  // Dead-lettered at nearly 1 MiB: bigger, with its headers, than the broker's default message.max.bytes.
  live('invalid body just under the 1 MiB limit', JSON.stringify(sample(room(), { EventType: 'Sideways', Extra: 'z'.repeat(1_048_300) })));
  live('body over the 1 MiB limit', JSON.stringify(sample(room(), { Extra: 'z'.repeat(1_100_000) })));

  // Prototype pollution keys at every level.
  const pollutions: [string, string][] = [
    ['__proto__ at top level', '{"__proto__":{"polluted":"yes"},'],
    ['constructor.prototype at top level', '{"constructor":{"prototype":{"polluted":"yes"}},'],
    ['prototype at top level', '{"prototype":{"polluted":"yes"},'],
  ];
  for (const [label, prefix] of pollutions) {
    const roomId = room();
    live(label, JSON.stringify(sample(roomId)).replace(/^\{/, prefix), { mayPublish: [roomId] });
  }
  const protoMemberRoom = room();
  live('member whose only account is under __proto__', JSON.stringify(sample(protoMemberRoom)).replace('{"Member_Account":"jared"}', '{"__proto__":{"Member_Account":"jared","polluted":"yes"}}'));
  const protoMemberList = room();
  live('MemberList as {"__proto__":[...]}', JSON.stringify(sample(protoMemberList)).replace(/"MemberList":\[[^\]]*\]/, '"MemberList":{"__proto__":[{"Member_Account":"a"}],"length":1}'));
  live('constructor as MemberList entry', JSON.stringify(sample(room(), { MemberList: [{ constructor: { prototype: { polluted: 'yes' } } }] })));
  const protoRoom = room();
  live('RoomId __proto__', JSON.stringify(sample(protoRoom)).replace(`"RoomId":"${protoRoom}"`, '"RoomId":"__proto__"'), { mayPublish: ['__proto__'] });
  const protoQueryRoom = room();
  live('query __proto__ keys', JSON.stringify(sample(protoQueryRoom)), {
    query: `${query}&__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__.polluted=yes&__proto__=x`,
    mayPublish: [protoQueryRoom],
  });

  // Invalid UTF-8, in a value and as the whole body; and a BOM.
  for (const [label, bytes] of INVALID_UTF8) {
    const roomId = room();
    const [before, after] = JSON.stringify(sample(roomId)).split('jared');
    live(`invalid UTF-8 (${label}) in Member_Account`, Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]));
    live(`invalid UTF-8 (${label}) as the body`, Buffer.from(bytes));
  }
  // A UTF-8 BOM is dropped by the decoder: the callback is valid.
  const bomRoom = room();
  live('UTF-8 BOM before the JSON', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(sample(bomRoom)))]), { mayPublish: [bomRoom] });
  live('UTF-16 LE body', Buffer.from(`\ufeff${JSON.stringify(sample(room()))}`, 'utf16le'));

  // Duplicate keys: JSON.parse keeps the last; the result must still be a valid callback or be refused.
  const duplicateRoom = room();
  live('duplicate RoomId', JSON.stringify(sample('first')).replace('"RoomId":"first"', `"RoomId":"first","RoomId":"${duplicateRoom}"`), { mayPublish: [duplicateRoom] });
  const duplicateTypes = room();
  live('duplicate EventType, last of wrong type', JSON.stringify(sample(duplicateTypes)).replace('"EventType":"Online"', '"EventType":"Online","EventType":7'));
  const duplicateList = room();
  live('duplicate MemberList, last empty', JSON.stringify(sample(duplicateList)).replace(/("MemberList":\[[^\]]*\])/, '$1,"MemberList":[]'));

  // Query parameters: missing, empty, repeated, unknown app, malformed encodings.
  const queries: [string, string][] = [
    ['no query', ''],
    ['SdkAppid missing', 'CallbackCommand=Live.CallbackAfterMemberStateChanged'],
    ['SdkAppid empty', 'SdkAppid=&CallbackCommand=Live.CallbackAfterMemberStateChanged'],
    ['SdkAppid not numeric', 'SdkAppid=abc&CallbackCommand=Live.CallbackAfterMemberStateChanged'],
    ['SdkAppid unknown', 'SdkAppid=1400999999&CallbackCommand=Live.CallbackAfterMemberStateChanged'],
    ['SdkAppid repeated, different', `SdkAppid=${target.appId}&SdkAppid=1400999999&CallbackCommand=Live.CallbackAfterMemberStateChanged`],
    ['SdkAppid both spellings, different', `SdkAppid=${target.appId}&SdkAppId=1400999999&CallbackCommand=Live.CallbackAfterMemberStateChanged`],
    ['SdkAppid as array syntax', `SdkAppid[]=${target.appId}&CallbackCommand=Live.CallbackAfterMemberStateChanged`],
    ['SdkAppid very long', `SdkAppid=${'9'.repeat(5000)}&CallbackCommand=Live.CallbackAfterMemberStateChanged`],
    ['CallbackCommand empty', `SdkAppid=${target.appId}&CallbackCommand=`],
    ['CallbackCommand repeated, different', `SdkAppid=${target.appId}&CallbackCommand=Live.CallbackAfterMemberStateChanged&CallbackCommand=Live.CallbackAfterCreateRoom`],
    ['CallbackCommand mismatching the body', `SdkAppid=${target.appId}&CallbackCommand=Live.CallbackMemberStateChanged2`],
    ['CallbackCommand Before (veto) command', `SdkAppid=${target.appId}&CallbackCommand=Group.CallbackBeforeSendMsg`],
    ['bad percent encoding', `SdkAppid=${target.appId}&CallbackCommand=Live.%zzCallback`],
    ['percent-encoded NUL', `SdkAppid=${target.appId}%00&CallbackCommand=Live.CallbackAfterMemberStateChanged`],
    ['semicolons', `SdkAppid=${target.appId};CallbackCommand=Live.CallbackAfterMemberStateChanged`],
    ['a thousand parameters', `${query}${'&p=1'.repeat(1000)}`],
    ['Sign without a token configured is ignored', `${query}&Sign=abc&RequestTime=1`],
  ];
  for (const [label, search] of queries) {
    const roomId = room();
    const publishable = label === 'Sign without a token configured is ignored' || label === 'a thousand parameters';
    live(`query: ${label}`, JSON.stringify(sample(roomId)), { query: search, mayPublish: publishable ? [roomId] : [] });
  }
  const sameRepeated = room();
  live('query: CallbackCommand repeated, same', JSON.stringify(sample(sameRepeated)), { query: `${query}&CallbackCommand=Live.CallbackAfterMemberStateChanged`, mayPublish: [sameRepeated] });

  // The token-protected app: every malformed Sign / RequestTime is refused.
  const now = () => String(Math.floor(Date.now() / 1000));
  const tokenQuery = liveQueryOf(target.tokenAppId);
  const signs: [string, (time: string) => string][] = [
    ['no Sign', (time) => `&RequestTime=${time}`],
    ['no RequestTime', (time) => `&Sign=${liveCallbackSign(target.token, time)}`],
    ['Sign of another token', (time) => `&RequestTime=${time}&Sign=${liveCallbackSign('guess', time)}`],
    ['Sign truncated', (time) => `&RequestTime=${time}&Sign=${liveCallbackSign(target.token, time).slice(0, 63)}`],
    ['Sign not hex', (time) => `&RequestTime=${time}&Sign=${'g'.repeat(64)}`],
    ['Sign repeated, different', (time) => `&RequestTime=${time}&Sign=${liveCallbackSign(target.token, time)}&Sign=${'0'.repeat(64)}`],
    ['Sign very long', (time) => `&RequestTime=${time}&Sign=${'a'.repeat(10_000)}`],
    ['RequestTime negative', () => `&RequestTime=-1&Sign=${liveCallbackSign(target.token, '-1')}`],
    ['RequestTime float', (time) => `&RequestTime=${time}.5&Sign=${liveCallbackSign(target.token, `${time}.5`)}`],
    ['RequestTime huge', () => `&RequestTime=99999999999999999999&Sign=${liveCallbackSign(target.token, '99999999999999999999')}`],
    ['RequestTime in ms', () => `&RequestTime=${Date.now()}&Sign=${liveCallbackSign(target.token, String(Date.now()))}`],
    ['RequestTime stale', (time) => `&RequestTime=${Number(time) - 3600}&Sign=${liveCallbackSign(target.token, String(Number(time) - 3600))}`],
    ['RequestTime repeated, different', (time) => `&RequestTime=${time}&RequestTime=1&Sign=${liveCallbackSign(target.token, time)}`],
  ];
  for (const [label, extra] of signs) {
    cases.push({
      name: `auth: ${label}`,
      method: 'POST',
      path: LIVE_PATH,
      query: `${tokenQuery}${extra(now())}`,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(sample(room()))),
      mayPublish: [],
    });
  }
  const signedRoom = room();
  const signedTime = now();
  cases.push({
    name: 'auth: valid signature (control)',
    method: 'POST',
    path: LIVE_PATH,
    query: `${tokenQuery}&RequestTime=${signedTime}&Sign=${liveCallbackSign(target.token, signedTime)}`,
    headers: {},
    body: Buffer.from(JSON.stringify(sample(signedRoom))),
    mayPublish: [signedRoom],
  });

  // Content types: parsed as JSON whatever the header says.
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/octet-stream', '', '*/*', 'application/json, text/plain']) {
    const roomId = room();
    live(`content-type ${JSON.stringify(contentType)}`, JSON.stringify(sample(roomId)), { headers: contentType === '' ? {} : { 'content-type': contentType }, mayPublish: [roomId] });
  }
  const gzipRoom = room();
  live('content-encoding gzip on plain bytes', JSON.stringify(sample(gzipRoom)), { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, mayPublish: [gzipRoom] });

  // Wrong methods and paths.
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    for (const path of [LIVE_PATH, TRTC_PATH]) {
      cases.push({ name: `method ${method} ${path}`, method, path, query, headers: {}, body: method === 'GET' || method === 'OPTIONS' ? undefined : Buffer.from('{}'), mayPublish: [] });
    }
  }
  for (const path of ['/', '/webhooks', '/webhooks/tencent', '/webhooks/tencent/', '/webhooks/tencent/LIVE', `${LIVE_PATH}/extra`, `/${LIVE_PATH}`, '/webhooks/tencent/live/../trtc', '/webhooks/tencent/%2e%2e/tencent/live', '/webhooks/tencent/%zz', `/${'a'.repeat(8_000)}`, '/webhooks/tencent/live%00', '/__proto__', '/constructor/prototype']) {
    cases.push({ name: `path ${path.slice(0, 60)}`, method: 'POST', path, query, headers: {}, body: Buffer.from(JSON.stringify(sample(room()))), mayPublish: [] });
  }

  // TRTC: signed hostile content (authenticated but broken), and unauthenticated variants.
  const trtcSample = (eventType: number, info: Record<string, unknown>): Record<string, unknown> => ({
    EventGroupId: 1,
    EventType: eventType,
    CallbackTs: 1664209748188,
    EventInfo: { RoomId: 8489, EventTs: 1664209748, EventMsTs: 1664209748180, UserId: 'user_1', Reason: 1, ...info },
  });
  const trtc = (name: string, body: Buffer | string, mayPublish: string[] = [], headers?: Record<string, string>) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    cases.push({
      name: `trtc: ${name}`,
      method: 'POST',
      path: TRTC_PATH,
      query: '',
      headers: headers ?? { 'content-type': 'application/json', SdkAppId: target.appId, Sign: trtcCallbackSign(target.trtcKey, bytes) },
      body: bytes,
      mayPublish,
    });
  };
  const trtcRoom = () => `trtc-${++serial}`;
  for (const type of [102, 103, 104]) {
    const roomId = trtcRoom();
    trtc(`valid ${type} (control)`, JSON.stringify(trtcSample(type, { RoomId: roomId })), [roomId]);
  }
  const trtcFull = JSON.stringify(trtcSample(103, { RoomId: 'trtc-truncated' }), null, '\t');
  for (let length = 0; length < trtcFull.length; length += 9) {
    trtc(`truncated at ${length}/${trtcFull.length}`, trtcFull.slice(0, length));
  }
  for (const field of ['RoomId', 'EventTs', 'EventMsTs', 'UserId', 'Reason', 'Role']) {
    for (const [label, value] of JSON_VALUES) {
      const roomId = trtcRoom();
      const body = trtcSample(104, { RoomId: roomId, [field]: value });
      const mayPublish = field === 'RoomId' ? [typeof value === 'string' || typeof value === 'number' ? String(value) : ''] : [roomId];
      trtc(`EventInfo.${field} = ${label}`, JSON.stringify(body), mayPublish);
    }
  }
  for (const [label, value] of JSON_VALUES) {
    trtc(`EventType = ${label}`, JSON.stringify({ ...trtcSample(103, { RoomId: trtcRoom() }), EventType: value }));
    trtc(`EventInfo = ${label}`, JSON.stringify({ ...trtcSample(103, {}), EventInfo: value }));
    const groupRoom = trtcRoom();
    trtc(`EventGroupId = ${label}`, JSON.stringify({ ...trtcSample(103, { RoomId: groupRoom }), EventGroupId: value }));
  }
  const protoTrtc = trtcRoom();
  trtc('__proto__ in EventInfo', JSON.stringify(trtcSample(103, { RoomId: protoTrtc })).replace('"EventInfo":{', '"EventInfo":{"__proto__":{"polluted":"yes"},'), [protoTrtc]);
  trtc('EventInfo only under __proto__', '{"EventGroupId":1,"EventType":103,"__proto__":{"EventInfo":{"RoomId":1,"EventTs":1,"UserId":"u"}}}');
  for (const [label, bytes] of INVALID_UTF8) {
    trtc(`invalid UTF-8 (${label})`, Buffer.concat([Buffer.from('{"EventGroupId":1,"EventType":103,"EventInfo":{"RoomId":"'), Buffer.from(bytes), Buffer.from('","EventTs":1,"UserId":"u"}}')]));
  }
  trtc('deep nesting in EventInfo', JSON.stringify(trtcSample(103, { RoomId: 'deep' })).replace('"EventInfo":{', `"EventInfo":{"Extra":${'['.repeat(50_000)}${']'.repeat(50_000)},`), ['deep']);
  const unsigned = JSON.stringify(trtcSample(103, { RoomId: 'unsigned' }));
  trtc('no Sign', unsigned, [], { SdkAppId: target.appId });
  trtc('no SdkAppId', unsigned, [], { Sign: trtcCallbackSign(target.trtcKey, unsigned) });
  trtc('unknown SdkAppId', unsigned, [], { SdkAppId: '1400999999', Sign: trtcCallbackSign(target.trtcKey, unsigned) });
  trtc('SdkAppId not numeric', unsigned, [], { SdkAppId: '14000abc', Sign: trtcCallbackSign(target.trtcKey, unsigned) });
  trtc('Sign with another key', unsigned, [], { SdkAppId: target.appId, Sign: trtcCallbackSign('guess', unsigned) });
  trtc('Sign as hex', unsigned, [], { SdkAppId: target.appId, Sign: 'ab'.repeat(32) });
  trtc('Sign over the body with a trailing space', unsigned, [], { SdkAppId: target.appId, Sign: trtcCallbackSign(target.trtcKey, `${unsigned} `) });
  trtc('Sign too long', unsigned, [], { SdkAppId: target.appId, Sign: 'A'.repeat(5000) });

  // Fixed files: `<name>.<live|trtc>.<ok|bad>.json`, sent as bytes (signed when TRTC).
  const fixtures = join(__dirname, 'fixtures');
  for (const file of readdirSync(fixtures).sort()) {
    const match = /^(.+)\.(live|trtc)\.(ok|bad)\.(json|bin)$/.exec(file);
    if (match === null) continue;
    const bytes = readFileSync(join(fixtures, file));
    const roomId = match[3] === 'ok' ? (JSON.parse(bytes.toString('utf8')) as { RoomId?: string; EventInfo?: { RoomId: unknown } }) : undefined;
    const publish = roomId === undefined ? [] : [String(roomId.RoomId ?? roomId.EventInfo?.RoomId)];
    if (match[2] === 'live') live(`fixture ${file}`, bytes, { mayPublish: publish });
    else trtc(`fixture ${file}`, bytes, publish);
  }
  return cases;
}
