/**
 * The configuration reference is generated from the one configuration schema
 * (apps/relay/src/config/config-variables.ts), so the docs cannot drift from the code:
 *
 *   node scripts/config-docs.ts          rewrites the table between the markers in README.md
 *                                        and docs/configuration.md
 *   node scripts/config-docs.ts --check  exits 1 when either file differs from the schema
 *
 * The reconciler's table (apps/reconciler/src/config/config-variables.ts) goes to
 * docs/reconciliation.md, between markers of its own.
 *
 * Runs under Node's type stripping (erasable syntax only) and is imported by the unit test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigVariable } from '../apps/relay/src/config/config-variables';

export const CONFIG_START = '<!-- config:start -->';
export const CONFIG_END = '<!-- config:end -->';

/** Files whose configuration section is generated, relative to the repository root. */
export const CONFIG_DOC_FILES = ['README.md', 'docs/configuration.md'];

/** The reconciler's own table (apps/reconciler/src/config/config-variables.ts), between markers of its own. */
export const RECONCILER_CONFIG_DOC = {
  file: 'docs/reconciliation.md',
  schema: 'apps/reconciler/src/config/config-variables.ts',
  start: '<!-- reconciler-config:start -->',
  end: '<!-- reconciler-config:end -->',
} as const;

/** The markdown table of the variables, in schema order. */
export function renderConfigTable(variables: readonly ConfigVariable[]): string {
  const rows = variables.map((variable) => {
    const fallback = variable.required === true ? 'required' : variable.default !== undefined ? `\`${variable.default}\`` : '';
    return `| \`${variable.name}\` | ${fallback} | ${variable.description} |`;
  });
  return ['| variable | default | description |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The text between the markers, or undefined when the document has none. */
export function extractConfigSection(document: string, markers = { start: CONFIG_START, end: CONFIG_END }): string | undefined {
  const start = document.indexOf(markers.start);
  const end = document.indexOf(markers.end);
  if (start === -1 || end === -1 || end < start) return undefined;
  return document.slice(start + markers.start.length, end).trim();
}

/** The document with the text between the markers replaced by `table`. */
export function replaceConfigSection(document: string, table: string, markers = { start: CONFIG_START, end: CONFIG_END }): string {
  const start = document.indexOf(markers.start);
  const end = document.indexOf(markers.end);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`the document has no ${markers.start} … ${markers.end} section`);
  }
  return `${document.slice(0, start + markers.start.length)}\n${table}\n${document.slice(end)}`;
}

async function cli(argv: string[]): Promise<number> {
  const root = process.cwd();
  const schema = path.join(root, 'apps/relay/src/config/config-variables.ts');
  const { CONFIG_VARIABLES } = (await import(pathToFileURL(schema).href)) as { CONFIG_VARIABLES: readonly ConfigVariable[] };
  const table = renderConfigTable(CONFIG_VARIABLES);
  const check = argv.includes('--check');
  let drift = 0;
  const reconcilerSchema = path.join(root, RECONCILER_CONFIG_DOC.schema);
  const { RECONCILER_CONFIG_VARIABLES } = (await import(pathToFileURL(reconcilerSchema).href)) as { RECONCILER_CONFIG_VARIABLES: readonly ConfigVariable[] };
  const sections = [
    ...CONFIG_DOC_FILES.map((file) => ({ file, table, markers: { start: CONFIG_START, end: CONFIG_END } })),
    { file: RECONCILER_CONFIG_DOC.file, table: renderConfigTable(RECONCILER_CONFIG_VARIABLES), markers: { start: RECONCILER_CONFIG_DOC.start, end: RECONCILER_CONFIG_DOC.end } },
  ];
  for (const { file, table, markers } of sections) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    const before = fs.readFileSync(full, 'utf8');
    if (extractConfigSection(before, markers) === undefined) continue;
    const after = replaceConfigSection(before, table, markers);
    if (after === before) continue;
    if (check) {
      drift += 1;
      process.stderr.write(`${file}: configuration table differs from its schema (config-variables.ts); run npm run docs:config\n`);
    } else {
      fs.writeFileSync(full, after);
      process.stdout.write(`${file}: configuration table updated\n`);
    }
  }
  return drift === 0 ? 0 : 1;
}

function isRunAsScript(): boolean {
  if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) return true;
  const entry = process.argv[1];
  return !!entry && /^config-docs\.[cm]?[tj]s$/.test(path.basename(entry));
}

if (isRunAsScript()) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
