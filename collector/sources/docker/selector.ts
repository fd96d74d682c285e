import { z } from 'zod';

/** One label selector: `key` (the label is set, whatever its value) or `key=value` (exactly). */
export interface LabelSelector {
  key: string;
  value?: string;
}

/** Docker accepts almost any label key; we only refuse what cannot be meant (blank, spaces). */
const KEY = /^[^\s=]+$/;

/** The selector `text` stands for, or a sentence saying what is wrong with it. */
export function parseSelector(text: string): LabelSelector | { problem: string } {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  if (!KEY.test(key))
    return {
      problem: `"${text}" is not a label selector (use key or key=value, e.g. lookout.enable=false)`,
    };
  return eq < 0 ? { key } : { key, value: text.slice(eq + 1) };
}

export function matchesSelector(sel: LabelSelector, labels: Record<string, string>): boolean {
  if (!Object.hasOwn(labels, sel.key)) return false;
  return sel.value === undefined || labels[sel.key] === sel.value;
}

/** A config string that must be a label selector; the loader locates a bad one to file:line. */
export function labelSelector() {
  return z.string().transform((s, ctx): LabelSelector => {
    const parsed = parseSelector(s);
    if ('problem' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }
    return parsed;
  });
}
