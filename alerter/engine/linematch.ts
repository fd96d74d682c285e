import type { LogEvent } from '../../core/events';
import type { LineMatch } from '../rules/schema';

export type LinePredicate = (ev: LogEvent) => boolean;

/** A dotted path into the parsed JSON fields; `level` and `message` read the event itself. */
function fieldOf(ev: LogEvent, field: string): unknown {
  if (field === 'level') return ev.level ?? ev.fields?.level;
  if (field === 'message') return ev.message;
  if (field === 'stream') return ev.stream;
  let node: unknown = ev.fields;
  for (const part of field.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A field value as text for equality: objects compare as their JSON. */
const scalar = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

type One = Exclude<LineMatch, unknown[]>;

function compileOne(m: One): LinePredicate {
  if ('contains' in m) {
    if (m.ignore_case) {
      const needle = m.contains.toLowerCase();
      return (ev) => ev.message.toLowerCase().includes(needle);
    }
    return (ev) => ev.message.includes(m.contains);
  }
  if ('regex' in m) {
    const re = new RegExp(m.regex, m.ignore_case ? 'i' : '');
    return (ev) => re.test(ev.message);
  }
  const { field, op, value } = m;
  if (op === 'exists') return (ev) => fieldOf(ev, field) !== undefined;
  if (op === 'in') {
    const set = new Set((Array.isArray(value) ? value : [value]).map(String));
    return (ev) => set.has(scalar(fieldOf(ev, field)));
  }
  return (ev) => {
    const v = fieldOf(ev, field);
    if (v === undefined) return false;
    if (op === '==') return scalar(v) === String(value);
    if (op === '!=') return scalar(v) !== String(value);
    const a = Number(v);
    const b = Number(value);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    return op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b;
  };
}

/** A list of matchers matches when any of them does. */
export function compileLineMatch(m: LineMatch): LinePredicate {
  if (!Array.isArray(m)) return compileOne(m);
  const all = m.map(compileOne);
  return (ev) => all.some((p) => p(ev));
}

/** A small ring of recent matching lines, for the page's details. */
export function pushLine(lines: string[], line: string, max = 5): void {
  lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
  if (lines.length > max) lines.shift();
}
