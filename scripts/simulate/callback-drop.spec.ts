import { CallbackDrop } from './callback-drop';
import type { SimulatedCallback } from './simulated-callback';

function source(): () => SimulatedCallback {
  let id = 0;
  return () => ({ id: (id += 1), source: 'live', command: 'c', body: '{}', repeat: false, late: false });
}

describe('CallbackDrop', () => {
  it('drops about the share asked, the same callbacks for the same seed, and a dropped id every time', () => {
    const drop = new CallbackDrop(0.1, 7);
    const next = source();
    const sent = Array.from({ length: 9_000 }, () => drop.next(next).id);
    expect(drop.dropped / (drop.dropped + sent.length)).toBeCloseTo(0.1, 1);
    const again = new CallbackDrop(0.1, 7);
    const nextAgain = source();
    expect(Array.from({ length: 9_000 }, () => again.next(nextAgain).id)).toEqual(sent);
    const droppedId = [...Array(sent[sent.length - 1]).keys()].map((index) => index + 1).find((id) => !sent.includes(id))!;
    const repeat: SimulatedCallback = { id: droppedId, source: 'live', command: 'c', body: '{}', repeat: true, late: false };
    let given = 0;
    const afterRepeat = drop.next(() => (given++ === 0 ? repeat : { ...repeat, id: 1 }));
    expect(afterRepeat.id).toBe(1);
  });

  it('drops nothing at 0', () => {
    const drop = new CallbackDrop(0, 1);
    const next = source();
    for (let i = 0; i < 100; i += 1) drop.next(next);
    expect(drop.dropped).toBe(0);
  });
});
