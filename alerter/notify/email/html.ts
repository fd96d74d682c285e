import { alertFacts, linkList, title } from '../render';
import type { Notification, NotifiedAlert } from '../types';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function alertHtml(a: NotifiedAlert): string {
  const facts = alertFacts(a)
    .map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const links = linkList(a)
    .filter(([k]) => k !== 'Graph')
    .map(([k, href]) => `<a href="${esc(href)}">${esc(k)}</a>`)
    .join(' · ');
  const img = a.links.graph
    ? `<p><a href="${esc(a.links.dashboard ?? a.links.graph)}"><img src="${esc(a.links.graph)}" alt="graph" width="800"></a></p>`
    : '';
  const lines = a.lastLines?.length ? `<pre>${esc(a.lastLines.join('\n'))}</pre>` : '';
  return `<h3>${esc(a.summary)}</h3>${a.description ? `<p>${esc(a.description)}</p>` : ''}<table>${facts}</table><p>${links}</p>${img}${lines}`;
}

/** The same facts and links as the text part (render.ts), as HTML. */
export function htmlBody(n: Notification): string {
  const parts = [`<h2>${esc(title(n))}</h2>`];
  if (n.firing.length) parts.push('<h2>Firing</h2>', ...n.firing.map(alertHtml));
  if (n.resolved.length) parts.push('<h2>Resolved</h2>', ...n.resolved.map(alertHtml));
  if (n.related?.length)
    parts.push(
      '<h2>Also firing, muted by the alerts above</h2>',
      `<ul>${n.related.map((r) => `<li>${esc(r.summary)} (${esc(r.reason)})</li>`).join('')}</ul>`,
    );
  if (n.explainUrl) parts.push(`<p><a href="${esc(n.explainUrl)}">Why this was sent</a></p>`);
  return `<!doctype html><html><body>${parts.join('\n')}</body></html>`;
}
