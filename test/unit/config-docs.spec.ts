import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../../apps/relay/src/config/config-variables';
import { loadRelayConfig } from '../../apps/relay/src/config/relay-config';
import { CONFIG_DOC_FILES, extractConfigSection, renderConfigTable, replaceConfigSection } from '../../scripts/config-docs';

const root = join(__dirname, '..', '..');

describe('configuration reference', () => {
  const table = renderConfigTable(CONFIG_VARIABLES);

  it.each(CONFIG_DOC_FILES)('%s shows exactly the configuration schema (run `npm run docs:config` when this fails)', (file) => {
    const section = extractConfigSection(readFileSync(join(root, file), 'utf8'));
    expect(section).toBeDefined();
    expect(section).toBe(table);
  });

  it('lists each variable once, with its default, in a row of its own', () => {
    const names = CONFIG_VARIABLES.map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    expect(table).toContain('| `PORT` | `3000` | HTTP port of the webhook server. |');
    expect(table).toContain('| `KAFKA_BROKERS` | required |');
    expect(table.split('\n')).toHaveLength(names.length + 2);
  });

  it('documents the defaults the loader really applies', () => {
    const config = loadRelayConfig({ KAFKA_BROKERS: 'localhost:9092', TENCENT_SDK_APP_IDS: '1400000001' });
    const documented = Object.fromEntries(CONFIG_VARIABLES.filter((v) => 'default' in v).map((v) => [v.name, (v as { default: string }).default]));
    expect(String(config.port)).toBe(documented.PORT);
    expect(config.outbox.dataDir).toBe(documented.DATA_DIR);
    expect(config.logFormat).toBe(documented.LOG_FORMAT);
    expect(String(config.outbox.maxRecords)).toBe(documented.OUTBOX_MAX_RECORDS);
  });

  it('detects drift: a changed description no longer matches the generated table', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const drifted = readme.replace('HTTP port of the webhook server.', 'HTTP port.');
    expect(extractConfigSection(drifted)).not.toBe(table);
    expect(extractConfigSection(replaceConfigSection(drifted, table))).toBe(table);
  });
});
