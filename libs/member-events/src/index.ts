export * from './member-event';
export * from './topics';
export * from './cause';
export * from './event-id';
export * from './cloudevents';
export * from './encode';
