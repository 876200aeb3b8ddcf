import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { DEFAULT_MEMBER_STATE_TOPIC, type MemberEvent } from '@app/member-events';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { subscribeToMemberEvents, type MemberEventSubscription } from '../examples/subscribers/plain-kafkajs.subscriber';
import { MEMBER_EVENT_LISTENER } from '../examples/subscribers/nest-microservice/member-event-listener';
import { MemberEventsModule } from '../examples/subscribers/nest-microservice/member-events.module';
import { memberEventsTransport } from '../examples/subscribers/nest-microservice/main';
import { liveQuery, post, startRelay, type RunningRelay } from './support/relay-harness';
import { waitForTopic } from './support/topic-reader';

const PATH = '/webhooks/tencent/live';

async function until<T>(read: () => T[], count: number, what: string): Promise<T[]> {
  const deadline = Date.now() + 30_000;
  while (read().length < count) {
    if (Date.now() > deadline) throw new Error(`${what}: ${read().length} of ${count} events within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}

describe('the documented subscribers (docs/subscribing.md) against the real relay and broker', () => {
  // The Nest example names the default topic in @EventPattern, so this relay publishes there; rooms are unique to this run.
  const room = `sub-${randomUUID().slice(0, 8)}`;
  const brokers = () => process.env.KAFKA_BROKERS!.split(',');
  let relay: RunningRelay;
  let plain: MemberEventSubscription;
  let nest: INestMicroservice;
  const viaPlain: MemberEvent[] = [];
  const viaNest: MemberEvent[] = [];

  beforeAll(async () => {
    relay = await startRelay({ MEMBER_STATE_TOPIC: DEFAULT_MEMBER_STATE_TOPIC });
    await waitForTopic(process.env.KAFKA_BROKERS!, DEFAULT_MEMBER_STATE_TOPIC);
    plain = await subscribeToMemberEvents({
      kafka: { clientId: 'example-plain', brokers: brokers() },
      groupId: `example-plain-${room}`,
      onEvent: (event) => {
        if (event.roomId === room) viaPlain.push(event);
      },
    });
    nest = await NestFactory.createMicroservice(
      MemberEventsModule.register({
        provide: MEMBER_EVENT_LISTENER,
        useValue: { onMemberEvent: (event: MemberEvent) => (event.roomId === room ? viaNest.push(event) : undefined) },
      }),
      { ...memberEventsTransport(brokers(), `example-nest-${room}`), logger: ['error'] },
    );
    await nest.listen();
  });

  afterAll(async () => {
    await plain?.stop();
    await nest?.close();
    await relay?.close();
  });

  it('both receive the typed, validated events of a room in order: enter, then room_closed', async () => {
    const enter = { RoomId: room, EventType: 'Online', EventCause: 'Enter', MemberList: [{ Member_Account: 'ann' }], EventTime: 1764000000100 };
    const destroy = { RoomId: room, EventType: 'DestroyBySystem', EventTime: 1764000000200 };
    expect(await post(relay.url, PATH, JSON.stringify(enter), liveQuery())).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    expect(await post(relay.url, PATH, JSON.stringify(destroy), liveQuery('Live.CallbackAfterDestroyRoom'))).toMatchObject({ status: 200 });

    for (const [name, events] of [['plain kafkajs', viaPlain], ['Nest @EventPattern', viaNest]] as const) {
      const received = await until(() => events, 2, name);
      expect(received.map(({ kind, state, cause, members }) => ({ kind, state, cause, members }))).toEqual([
        { kind: 'member_state', state: 'online', cause: 'enter', members: ['ann'] },
        { kind: 'room_closed', state: 'offline', cause: 'destroy_by_system', members: [] },
      ]);
    }
    expect(viaNest).toEqual(viaPlain);
  });
});
