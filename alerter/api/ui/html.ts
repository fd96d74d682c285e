/**
 * The UI's page frame: escaping, the one stylesheet (inline, so an offline machine needs nothing
 * else) and the layout. Every piece of text from an alert goes through `esc`: labels, summaries
 * and log lines are written by whatever runs in the containers.
 */
import { RawResponse } from '../http';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Colours per severity, readable on both schemes. */
const CSS = `
:root { color-scheme: light dark; --bg:#fff; --fg:#1b1f23; --muted:#59636e; --line:#d0d7de; --box:#f6f8fa;
  --critical:#b91c1c; --error:#c2410c; --warning:#a16207; --info:#1d4ed8; --ok:#15803d; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#9198a1; --line:#30363d;
  --box:#161b22; --critical:#f87171; --error:#fb923c; --warning:#facc15; --info:#60a5fa; --ok:#4ade80; } }
body { background:var(--bg); color:var(--fg); font:16px/1.5 system-ui, sans-serif; margin:0 auto;
  max-width:60rem; padding:1rem; }
nav a { margin-right:1rem; } a { color:var(--info); }
h1 { font-size:1.4rem; margin:.5rem 0; } h2 { font-size:1.1rem; margin:1.5rem 0 .5rem;
  border-bottom:1px solid var(--line); }
table { border-collapse:collapse; width:100%; } td, th { text-align:left; padding:.25rem .5rem;
  border-bottom:1px solid var(--line); vertical-align:top; overflow-wrap:anywhere; }
pre { background:var(--box); padding:.5rem; overflow-x:auto; font-size:.85rem; white-space:pre-wrap;
  overflow-wrap:anywhere; }
.sev { font-weight:700; text-transform:uppercase; }
.sev, .nowrap { white-space:nowrap; overflow-wrap:normal; }
.critical { color:var(--critical); } .error { color:var(--error); } .warning { color:var(--warning); }
.info { color:var(--info); } .resolved { color:var(--ok); } .muted { color:var(--muted); }
.label { display:inline-block; background:var(--box); border:1px solid var(--line); border-radius:4px;
  padding:0 .3rem; margin:.1rem; font-size:.85rem; }
img.graph { max-width:100%; height:auto; background:#fff; }
form.inline { display:inline; } input, button { font:inherit; }
.error-box { border:1px solid var(--critical); padding:.5rem; }
`;

export interface PageOptions {
  title: string;
  /** Seconds between reloads (the alerts list). */
  refresh?: number;
}

export function page(opts: PageOptions, body: string, status = 200): RawResponse {
  const refresh = opts.refresh ? `<meta http-equiv="refresh" content="${opts.refresh}">` : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}<title>${esc(opts.title)} · lookout</title><style>${CSS}</style></head>
<body><nav><a href="/alerts">Alerts</a><a href="/silences">Silences</a><a href="/login">Log in</a></nav>
${body}
<script src="/ui/app.js" defer></script></body></html>`;
  return new RawResponse(status, 'text/html; charset=utf-8', html);
}

export function labelChips(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `<span class="label">${esc(k)}=${esc(v)}</span>`)
    .join(' ');
}

export function time(ms: number | undefined): string {
  return ms === undefined
    ? ''
    : `<time datetime="${esc(new Date(ms).toISOString())}">${esc(
        new Date(ms)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, 'Z'),
      )}</time>`;
}

export function notFound(what: string): RawResponse {
  return page({ title: 'Not found' }, `<h1>Not found</h1><p>${esc(what)}</p>`, 404);
}
