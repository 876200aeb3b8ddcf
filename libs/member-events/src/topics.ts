/** Default topic of normalized member-state events. */
export const DEFAULT_MEMBER_STATE_TOPIC = 'tencent.member-state.v1';

/** Default dead-letter topic: rejected callbacks from allowed apps, with their raw bytes. */
export const DEFAULT_DLQ_TOPIC = 'tencent.webhook.dlq.v1';
