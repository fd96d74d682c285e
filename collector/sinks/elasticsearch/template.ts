import type { IndexNames } from './bulk';

/**
 * Index templates for the log and lifecycle indices: ECS types for the fields we write, label
 * values as keywords, parsed JSON fields left dynamic under their own key. Priority 200 beats
 * the built-in `logs` template (100) that also matches `logs-*-*`.
 * https://www.elastic.co/guide/en/elasticsearch/reference/8.19/index-templates.html
 */
export function indexTemplates(names: IndexNames): Array<{ name: string; body: Record<string, unknown> }> {
  const kw = { type: 'keyword' };
  const mappings = {
    dynamic_templates: [{ container_labels: { path_match: 'container.labels.*', mapping: kw } }],
    properties: {
      '@timestamp': { type: 'date' },
      message: { type: 'match_only_text' },
      log: { properties: { level: kw } },
      stream: kw,
      tags: kw,
      event: { properties: { id: kw, kind: kw, action: kw, dataset: kw } },
      host: { properties: { name: kw } },
      container: {
        properties: { id: kw, name: kw, image: { properties: { name: kw } }, labels: { type: 'object' } },
      },
      service: { properties: { name: kw } },
      process: { properties: { exit_code: { type: 'long' } } },
    },
  };
  const one = (name: string, target: string) => ({
    name,
    body: {
      index_patterns: [names.mode === 'daily' ? `${target}-*` : target],
      priority: 200,
      ...(names.mode === 'data_stream' ? { data_stream: {} } : {}),
      template: { mappings },
      _meta: { managed_by: 'lookout' },
    },
  });
  return [
    one(`lookout-${safe(names.logs)}`, names.logs),
    one(`lookout-${safe(names.lifecycle)}`, names.lifecycle),
  ];
}

function safe(s: string): string {
  return s.replace(/[^a-z0-9_.-]/gi, '_');
}
