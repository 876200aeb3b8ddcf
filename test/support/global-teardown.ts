/** Stops the broker the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const kafka = globalThis.__LOCAL_KAFKA__;
  globalThis.__LOCAL_KAFKA__ = undefined;
  await kafka?.destroy();
}
