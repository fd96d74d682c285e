/**
 * Builds every artifact under dashboards/: the Grafana dashboards' JSON (build/), Grafana
 * provisioning files (provisioning/) and Kibana saved objects (kibana/).
 *
 *   npx tsx dashboards/build.ts                      # the committed files (carbon paths, prefix lookout)
 *   npx tsx dashboards/build.ts --via statsd --prefix lookout --out /tmp/dash
 *   npx tsx dashboards/build.ts --check              # exit 1 if the committed files are stale
 */
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { DASHBOARDS, DATASOURCE, DEFAULT_SCHEME, type DashboardDef, type GraphiteScheme } from './catalog';
import { buildDashboard } from './src/dashboards';
import { kibanaSavedObjects } from './src/kibana';

const PROVISION_DIR = '/var/lib/grafana/dashboards/lookout';

/** Every file, relative to the output folder, with its content. */
export function renderAll(scheme: GraphiteScheme = DEFAULT_SCHEME): Record<string, string> {
  const files: Record<string, string> = {};
  for (const def of Object.values(DASHBOARDS) as DashboardDef[])
    files[`build/${def.uid}.json`] = `${JSON.stringify(buildDashboard(def, scheme), null, 2)}\n`;
  files['provisioning/datasources/lookout-graphite.yaml'] = [
    '# Grafana data source provisioning: the Graphite that the collector writes to.',
    'apiVersion: 1',
    'datasources:',
    '  - name: lookout Graphite',
    `    uid: ${DATASOURCE.uid}`,
    `    type: ${DATASOURCE.type}`,
    '    access: proxy',
    '    url: ${GRAPHITE_URL}',
    '    jsonData:',
    '      graphiteVersion: "1.1"',
    '',
  ].join('\n');
  files['provisioning/dashboards/lookout.yaml'] = [
    `# Grafana dashboard provisioning: mount dashboards/build at ${PROVISION_DIR}.`,
    'apiVersion: 1',
    'providers:',
    '  - name: lookout',
    '    folder: lookout',
    '    type: file',
    '    disableDeletion: true',
    '    allowUiUpdates: false',
    '    options:',
    `      path: ${PROVISION_DIR}`,
    '',
  ].join('\n');
  files['kibana/container-logs.ndjson'] = kibanaSavedObjects();
  return files;
}

/** The files as the repository's prettier would leave them, so a format run changes nothing. */
export async function renderFormatted(
  scheme: GraphiteScheme = DEFAULT_SCHEME,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [f, text] of Object.entries(renderAll(scheme))) {
    const filepath = path.join(__dirname, f);
    const options = await prettier.resolveConfig(filepath);
    out[f] = f.endsWith('.ndjson') ? text : await prettier.format(text, { ...options, filepath });
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scheme: GraphiteScheme = {
    ...DEFAULT_SCHEME,
    prefix: arg('--prefix') ?? DEFAULT_SCHEME.prefix,
    via: (arg('--via') as GraphiteScheme['via']) ?? DEFAULT_SCHEME.via,
  };
  const out = arg('--out') ?? __dirname;
  const files = await renderFormatted(scheme);
  if (argv.includes('--check')) {
    const stale = Object.entries(files).filter(
      ([f, text]) => !fs.existsSync(path.join(out, f)) || fs.readFileSync(path.join(out, f), 'utf8') !== text,
    );
    for (const [f] of stale) process.stderr.write(`stale: dashboards/${f} (run npm run dashboards)\n`);
    return stale.length ? 1 : 0;
  }
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
    fs.writeFileSync(path.join(out, f), text);
    process.stdout.write(`wrote ${path.join(out, f)}\n`);
  }
  return 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
