export * from './callback-rejected.error';
export * from './invalid-json.error';
export * from './missing-parameter.error';
export * from './command-mismatch.error';
export * from './validation-failed.error';
export * from './unknown-app.error';
