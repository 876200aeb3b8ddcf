import { Logger } from '@nestjs/common';
import { settingsOrExit } from '@app/config';
import { createPresenceApp } from './bootstrap';
import { loadPresenceConfig, PresenceConfigError } from './config/presence-config';

async function main(): Promise<void> {
  const config = await settingsOrExit(loadPresenceConfig, (error) => (error instanceof PresenceConfigError ? error.message : undefined));
  const app = await createPresenceApp(config);
  await app.listen({ port: config.port, host: config.host });
  new Logger('Presence').log({ message: 'presence listening', url: await app.getUrl(), topic: config.topic, groupId: config.groupId });
}

main().catch((error: unknown) => {
  process.stderr.write(`presence failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
