import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { decodeMemberEvent, DEFAULT_MEMBER_STATE_TOPIC, MEMBER_EVENT_SCHEMA } from '@app/member-events';

interface Example {
  name: string;
  headers: Record<string, string>;
  payload: { roomId: string };
}

const root = join(__dirname, '..', '..');
const doc = parse(readFileSync(join(root, 'docs', 'asyncapi.yaml'), 'utf8'));
const schemaFile = JSON.parse(readFileSync(join(root, 'libs', 'member-events', 'src', 'member-event.schema.json'), 'utf8'));
const message = doc.components.messages.MemberEvent;
const examples: Example[] = message.examples;

describe('docs/asyncapi.yaml', () => {
  it('is an AsyncAPI 3 document whose channel is the default member-state topic', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.memberState.address).toBe(DEFAULT_MEMBER_STATE_TOPIC);
    expect(doc.channels.memberState.bindings.kafka.topic).toBe(DEFAULT_MEMBER_STATE_TOPIC);
    expect(doc.channels.memberState.messages.memberEvent).toEqual({ $ref: '#/components/messages/MemberEvent' });
    expect(Object.values(doc.operations as Record<string, { action: string }>).map((operation) => operation.action).sort()).toEqual(['receive', 'send']);
    expect(message.bindings.kafka.key.type).toBe('string');
  });

  it('embeds exactly the JSON Schema the library exports and validates with', () => {
    expect(message.payload.schemaFormat).toBe('application/schema+json;version=draft-07');
    expect(message.payload.schema).toEqual(schemaFile);
    expect(MEMBER_EVENT_SCHEMA).toEqual(schemaFile);
  });

  it('has examples of member_state, room_closed and a reconciled correction', () => {
    expect(examples.map((example) => example.name)).toEqual(['enter', 'heartbeat-interrupt', 'room-closed', 'reconciled']);
  });

  it.each(examples.map((example) => [example.name, example] as const))('example %s decodes: payload, key and headers agree', (_name, example) => {
    const result = decodeMemberEvent({ value: Buffer.from(JSON.stringify(example.payload)), key: example.payload.roomId, headers: example.headers });
    expect(result).toEqual({ ok: true, event: example.payload });
  });

  it.each(examples.map((example) => [example.name, example] as const))('example %s headers validate against the headers schema', (_name, example) => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv, ['date-time']);
    const validate = ajv.compile(message.headers);
    expect(validate(example.headers) ? [] : validate.errors).toEqual([]);
  });

  it('the headers schema rejects a wrong ce_type', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv, ['date-time']);
    const validate = ajv.compile(message.headers);
    expect(validate({ ...examples[0].headers, ce_type: 'com.tencent.live.member.away' })).toBe(false);
  });
});
