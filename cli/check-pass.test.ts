import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check } from './authoring';

/**
 * Issue 14: a new user's config and rule file with one of every kind of mistake; `lookout check`
 * used to need four runs (schema, secrets, references, rules). One run reports them all.
 */
test('lookout check reports every problem of every layer in one pass, located, with hints', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-pass-'));
  fs.mkdirSync(path.join(dir, 'rules'));
  const config = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(
    config,
    `alerter:
  rules: [${path.join(dir, 'rules')}]
  evel_interval: 1s
notify:
  receivers:
    - name: oncall
      type: pagerduty
      routing_key: R0123456789abcdef0123456789abcdef
  route:
    receiver: oncall
    routes:
      - receiver: oncal
sinks:
  - type: elasticsearch
    url: es.internal:9200
`,
  );
  const rules = path.join(dir, 'rules', 'r.yaml');
  fs.writeFileSync(
    rules,
    `rules:
  - name: hot
    kind: threshold
    metric: cpu.percnt
    reduce: average
    window: 5 minutes
    threshold: 80
  - name: cold
    kind: threshold
    metric: cpu.percent
    window: 1m
`,
  );
  const env = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('LOOKOUT_')) delete process.env[k];
  try {
    const r = await check([], config);
    expect(r.code).toBe(2);
    expect(r.out.split('\n')).toEqual([
      `${config}:3:3: alerter.evel_interval: unknown key "evel_interval"; did you mean "eval_interval"?`,
      `${config}:8:20: notify.receivers[0].routing_key: a secret is {env: NAME} or {file: PATH}; secrets are not written in the config itself`,
      `${config}:12:19: notify.route.routes[0].receiver: no receiver named "oncal"; did you mean "oncall"?`,
      `${config}:15:10: sinks[0].url: an Elasticsearch url starts with http:// or https:// (got "es.internal:9200"; did you mean "http://es.internal:9200"?)`,
      `${rules}:4:13: rule "hot": metric: metric "cpu.percnt" is not emitted by any collector (the list: docs/metrics.md; your own Graphite series: kind graphite); did you mean "cpu.percent"?`,
      `${rules}:5:13: rule "hot": reduce: "average" is not one of avg, min, max, sum, count, rate, last, p50, p90, p95, p99; did you mean "avg"?`,
      `${rules}:6:13: rule "hot": window: "5 minutes" is not a duration (use e.g. 500ms, 10s, 5m, 1h)`,
      `${rules}:8:5: rule "cold": threshold: required key missing (a number)`,
      '8 problem(s)',
    ]);
  } finally {
    Object.assign(process.env, env);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a receiver reference is reported once when the rest of the config is valid', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-pass-'));
  const config = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(
    config,
    'notify:\n  receivers:\n    - {name: ops, type: console}\n  route:\n    receiver: opz\n',
  );
  try {
    const r = await check([path.join(__dirname, '..', 'rules')], config);
    expect(r.out.split('\n')).toEqual([
      `${config}:5:15: notify.route.receiver: no receiver named "opz"; did you mean "ops"?`,
      '1 problem(s)',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a graphite rule without alerter.graphite.url is reported at the rule', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-pass-'));
  fs.mkdirSync(path.join(dir, 'rules'));
  const rules = path.join(dir, 'rules', 'g.yaml');
  fs.writeFileSync(rules, "rules:\n  - {name: g, kind: graphite, target: 'a.*', window: 1m, threshold: 1}\n");
  const config = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(config, 'alerter: {}\n');
  try {
    expect((await check([path.join(dir, 'rules')], config)).out.split('\n')).toEqual([
      `${rules}:2:5: rule "g": a graphite rule needs alerter.graphite.url (graphite-web) in the config`,
      '1 problem(s)',
    ]);
    fs.writeFileSync(config, 'alerter: {graphite: {url: "http://127.0.0.1:8080"}}\n');
    expect((await check([path.join(dir, 'rules')], config)).code).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
