import { Logger } from '@nestjs/common';
import { createPresenceApp } from './bootstrap';
import { loadPresenceConfig, PresenceConfigError, type PresenceConfig } from './config/presence-config';

async function main(): Promise<void> {
  let config: PresenceConfig;
  try {
    config = loadPresenceConfig();
  } catch (error) {
    if (error instanceof PresenceConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await createPresenceApp(config);
  await app.listen({ port: config.port, host: config.host });
  new Logger('Presence').log({ message: 'presence listening', url: await app.getUrl(), topic: config.topic, groupId: config.groupId });
}

main().catch((error: unknown) => {
  process.stderr.write(`presence failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
