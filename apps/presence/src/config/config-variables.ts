/** One environment variable the presence service reads: the single source of its documentation too. */
export interface PresenceConfigVariable {
  name: string;
  default?: string;
  required?: boolean;
  description: string;
  secret?: boolean;
}

/** Every environment variable of the presence service, in README order. */
export const PRESENCE_CONFIG_VARIABLES = [
  { name: 'PORT', default: '3001', description: 'HTTP port of the roster API.' },
  { name: 'HOST', default: '0.0.0.0', description: 'Address the roster API listens on.' },
  { name: 'KAFKA_BROKERS', required: true, description: 'Comma-separated `host:port` list of Kafka bootstrap brokers.' },
  { name: 'KAFKA_CLIENT_ID', default: 'tencent-member-presence', description: 'Kafka client id.' },
  { name: 'KAFKA_SASL_MECHANISM', description: '`plain`, `scram-sha-256` or `scram-sha-512`; unset for no SASL.' },
  { name: 'KAFKA_SASL_USERNAME', description: 'SASL user name (required with `KAFKA_SASL_MECHANISM`).' },
  { name: 'KAFKA_SASL_PASSWORD', secret: true, description: 'SASL password (required with `KAFKA_SASL_MECHANISM`).' },
  { name: 'KAFKA_SSL', default: 'false', description: '`true` to connect to the brokers over TLS.' },
  { name: 'MEMBER_STATE_TOPIC', default: 'tencent.member-state.v1', description: 'Topic of member-state events to build rosters from.' },
  {
    name: 'PRESENCE_GROUP_ID',
    default: 'tencent-member-presence',
    description: 'Consumer group; one per replica, since every replica holds every roster. Its offsets are rewound to the start of the topic at each start.',
  },
  { name: 'PRESENCE_DEDUPE_CAPACITY', default: '100000', description: 'How many recent event ids are remembered to drop duplicates.' },
  { name: 'PRESENCE_REWIND_TIMEOUT_MS', default: '60000', description: 'How long to wait at start for the group to be empty (a previous instance to leave) so its offsets can be rewound.' },
  { name: 'LOG_LEVEL', default: 'log', description: 'Lowest log level shown: `error`, `warn`, `log`, `debug` or `verbose`.' },
] as const satisfies readonly PresenceConfigVariable[];

export type PresenceConfigVariableName = (typeof PRESENCE_CONFIG_VARIABLES)[number]['name'];
