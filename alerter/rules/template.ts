/** `{{ name }}` placeholders in summary/description, filled from group labels and the value. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

export function templateNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Numbers print with at most two decimals: pages are read by people. */
export function formatValue(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return 'n/a';
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
}

export function renderTemplate(text: string, vars: Record<string, string | number | undefined>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const v = vars[name];
    return typeof v === 'number' ? formatValue(v) : (v ?? '');
  });
}
