export * from './member-event-decode.error';
export * from './empty-value.error';
export * from './invalid-json.error';
export * from './schema-violation.error';
export * from './header-mismatch.error';
export * from './key-mismatch.error';
