/** The paths of the two webhook routes. */
export const WEBHOOK_PATHS = { live: '/webhooks/tencent/live', trtc: '/webhooks/tencent/trtc' } as const;
