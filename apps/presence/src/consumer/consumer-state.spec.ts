import { Logger } from '@nestjs/common';
import { Kafka, type Consumer } from 'kafkajs';
import { ConsumerState } from './consumer-state';

type Listener = (event: { payload: Record<string, unknown> }) => void;

/** kafkajs's own event names (from a consumer that never connects); only the emitter is faked. */
const EVENTS = new Kafka({ brokers: ['127.0.0.1:9'] }).consumer({ groupId: 'unit' }).events;

function fakeConsumer(): { consumer: Pick<Consumer, 'on' | 'events'>; emit(name: string, payload?: Record<string, unknown>): void } {
  const listeners = new Map<string, Listener[]>();
  return {
    consumer: {
      events: EVENTS,
      on: ((name: string, listener: Listener) => {
        listeners.set(name, [...(listeners.get(name) ?? []), listener]);
        return () => undefined;
      }) as Consumer['on'],
    },
    emit: (name, payload = {}) => listeners.get(name)?.forEach((listener) => listener({ payload })),
  };
}

describe('ConsumerState', () => {
  it('is not consuming before the consumer joined its group', () => {
    const state = new ConsumerState();
    expect(state.consuming).toBe(false);
    expect(state.reason).toBe('the consumer has not joined its group yet');
  });

  it('is consuming once the consumer joined its group', () => {
    const state = new ConsumerState();
    const { consumer, emit } = fakeConsumer();
    state.follow(consumer);
    emit(EVENTS.GROUP_JOIN);
    expect(state.consuming).toBe(true);
    expect(state.reason).toBeUndefined();
  });

  it('is not consuming after a crash kafkajs restarts, until the consumer joined again', () => {
    const state = new ConsumerState();
    const { consumer, emit } = fakeConsumer();
    state.follow(consumer);
    emit(EVENTS.GROUP_JOIN);
    emit(EVENTS.CRASH, { error: new Error('coordinator went away'), restart: true });
    expect(state.consuming).toBe(false);
    expect(state.reason).toBe('the consumer crashed (coordinator went away); kafkajs is restarting it');
    emit(EVENTS.GROUP_JOIN);
    expect(state.consuming).toBe(true);
  });

  it('stays not consuming after a crash kafkajs does not restart', () => {
    const state = new ConsumerState();
    const { consumer, emit } = fakeConsumer();
    state.follow(consumer);
    emit(EVENTS.GROUP_JOIN);
    emit(EVENTS.CRASH, { error: new Error('not authorized'), restart: false });
    expect(state.consuming).toBe(false);
    expect(state.reason).toBe('the consumer crashed (not authorized) and stopped for good');
  });

  it('is not consuming after the consumer stopped', () => {
    const state = new ConsumerState();
    const { consumer, emit } = fakeConsumer();
    state.follow(consumer);
    emit(EVENTS.GROUP_JOIN);
    emit(EVENTS.STOP);
    expect(state.consuming).toBe(false);
    expect(state.reason).toBe('the consumer stopped');
  });

  it('logs crashes kafkajs restarts (a broker away) as one outage, and a crash for good at error', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const state = new ConsumerState();
      const { consumer, emit } = fakeConsumer();
      state.follow(consumer);
      emit(EVENTS.GROUP_JOIN);
      for (let i = 0; i < 20; i++) emit(EVENTS.CRASH, { error: new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), restart: true });
      expect(error).toHaveBeenCalledTimes(1);
      expect(error.mock.calls[0][0]).toMatchObject({ error: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
      emit(EVENTS.GROUP_JOIN);
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0][0]).toMatchObject({ message: 'consumer consuming again', attempts: 20 });
      emit(EVENTS.CRASH, { error: new Error('not authorized'), restart: false });
      expect(error).toHaveBeenCalledTimes(2);
      expect(error.mock.calls[1][0]).toMatchObject({ message: expect.stringContaining('stopped for good'), error: 'not authorized' });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      jest.restoreAllMocks();
    }
  });
});
