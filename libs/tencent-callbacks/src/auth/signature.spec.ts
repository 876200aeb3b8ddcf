import { InvalidSignatureError } from '../errors/invalid-signature.error';
import { RequestExpiredError } from '../errors/request-expired.error';
import { SignatureRequiredError } from '../errors/signature-required.error';
import { liveCallbackSign, verifyLiveSignature } from './live-signature';
import { trtcCallbackSign, verifyTrtcSignature } from './trtc-signature';

/** Tencent's TRTC vector: key 123654 over this exact tab-formatted body. */
const TRTC_VECTOR_BODY =
  '{\n\t"EventGroupId":\t2,\n\t"EventType":\t204,\n\t"CallbackTs":\t1664209748188,\n\t"EventInfo":\t{\n\t\t"RoomId":\t8489,\n\t\t"EventTs":\t1664209748,\n\t\t"EventMsTs":\t1664209748180,\n\t\t"UserId":\t"user_85034614",\n\t\t"Reason":\t0\n\t}\n}';
const TRTC_VECTOR_SIGN = 'kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA=';
const LIVE_VECTOR_SIGN = '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061';

describe('Live callback signature', () => {
  const at = (seconds: number) => seconds * 1000;

  it('matches the official vector (token xxxxyyyy, RequestTime 1669872112)', () => {
    expect(liveCallbackSign('xxxxyyyy', '1669872112')).toBe(LIVE_VECTOR_SIGN);
    expect(() =>
      verifyLiveSignature({ token: 'xxxxyyyy', sign: LIVE_VECTOR_SIGN, requestTime: '1669872112', nowMs: at(1669872112) }),
    ).not.toThrow();
  });

  it('accepts uppercase hex and a RequestTime exactly at the allowance', () => {
    expect(() =>
      verifyLiveSignature({ token: 'xxxxyyyy', sign: LIVE_VECTOR_SIGN.toUpperCase(), requestTime: '1669872112', nowMs: at(1669872172) }),
    ).not.toThrow();
  });

  it('rejects a stale or future RequestTime, with a configurable allowance', () => {
    const check = { token: 'xxxxyyyy', sign: LIVE_VECTOR_SIGN, requestTime: '1669872112' };
    expect(() => verifyLiveSignature({ ...check, nowMs: at(1669872173) })).toThrow(RequestExpiredError);
    expect(() => verifyLiveSignature({ ...check, nowMs: at(1669872051) })).toThrow(RequestExpiredError);
    expect(() => verifyLiveSignature({ ...check, nowMs: at(1669872173), maxSkewS: 300 })).not.toThrow();
    expect(() => verifyLiveSignature({ ...check, requestTime: '16698721.5', nowMs: at(1669872112) })).toThrow(RequestExpiredError);
  });

  it('rejects a wrong signature, a wrong token and a malformed one without echoing the expected value', () => {
    const wrong = LIVE_VECTOR_SIGN.replace(/^1/, '2');
    expect(() => verifyLiveSignature({ token: 'xxxxyyyy', sign: wrong, requestTime: '1669872112', nowMs: at(1669872112) })).toThrow(InvalidSignatureError);
    expect(() => verifyLiveSignature({ token: 'other', sign: LIVE_VECTOR_SIGN, requestTime: '1669872112', nowMs: at(1669872112) })).toThrow(InvalidSignatureError);
    let message = '';
    try {
      verifyLiveSignature({ token: 'xxxxyyyy', sign: 'zz', requestTime: '1669872112', nowMs: at(1669872112) });
    } catch (error) {
      message = (error as Error).message;
      expect(error).toBeInstanceOf(InvalidSignatureError);
      expect((error as InvalidSignatureError).status).toBe(401);
      expect((error as InvalidSignatureError).deadLetter).toBe(false);
    }
    expect(message).not.toContain(LIVE_VECTOR_SIGN);
    expect(message).not.toContain('xxxxyyyy');
  });

  it('requires both Sign and RequestTime', () => {
    expect(() => verifyLiveSignature({ token: 't', sign: undefined, requestTime: '1', nowMs: 1000 })).toThrow(SignatureRequiredError);
    expect(() => verifyLiveSignature({ token: 't', sign: LIVE_VECTOR_SIGN, requestTime: undefined, nowMs: 1000 })).toThrow(SignatureRequiredError);
    expect(() => verifyLiveSignature({ token: 't', sign: '', requestTime: '', nowMs: 1000 })).toThrow(SignatureRequiredError);
  });
});

describe('TRTC callback signature', () => {
  it('matches the official vector (key 123654, tab-formatted body)', () => {
    expect(trtcCallbackSign('123654', TRTC_VECTOR_BODY)).toBe(TRTC_VECTOR_SIGN);
    expect(() => verifyTrtcSignature('123654', Buffer.from(TRTC_VECTOR_BODY), TRTC_VECTOR_SIGN)).not.toThrow();
  });

  it('fails on re-serialised JSON, a wrong key, a malformed or a missing header', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(TRTC_VECTOR_BODY)));
    expect(() => verifyTrtcSignature('123654', reserialised, TRTC_VECTOR_SIGN)).toThrow(InvalidSignatureError);
    expect(() => verifyTrtcSignature('123655', Buffer.from(TRTC_VECTOR_BODY), TRTC_VECTOR_SIGN)).toThrow(InvalidSignatureError);
    expect(() => verifyTrtcSignature('123654', Buffer.from(TRTC_VECTOR_BODY), 'abc')).toThrow(InvalidSignatureError);
    expect(() => verifyTrtcSignature('123654', Buffer.from(TRTC_VECTOR_BODY), undefined)).toThrow(SignatureRequiredError);
  });
});
