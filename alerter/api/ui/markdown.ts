/**
 * Runbook markdown to HTML, for the incident page. Only what our runbooks use: headings, lists,
 * fenced code, paragraphs, `code`, **bold**, *italic* and http(s) links. Text is escaped before
 * any markup is added, so a runbook cannot inject HTML either.
 */
import { esc } from './html';

function inline(text: string): string {
  return esc(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2">$1</a>');
}

export function markdownToHtml(md: string): string {
  const out: string[] = [];
  let list: 'ul' | 'ol' | undefined;
  let items: string[] = [];
  let para: string[] = [];
  let code: string[] | undefined;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
    if (list) out.push(`<${list}>`, ...items.map((i) => `<li>${inline(i)}</li>`), `</${list}>`);
    list = undefined;
    items = [];
  };
  for (const line of md.split(/\r?\n/)) {
    if (code) {
      if (/^```/.test(line)) {
        out.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`);
        code = undefined;
      } else code.push(line);
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (/^```/.test(line)) {
      flush();
      code = [];
    } else if (heading) {
      flush();
      // Runbook headings sit under the page's own h2.
      const level = Math.min(heading[1]!.length + 2, 6);
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
    } else if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      if (para.length || list !== kind) flush();
      list = kind;
      items.push((bullet ?? numbered)![1]!);
    } else if (list && /^\s{2,}\S/.test(line)) {
      // An indented line continues the list item above it.
      items[items.length - 1] += ` ${line.trim()}`;
    } else if (line.trim() === '') flush();
    else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  if (code) out.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`);
  flush();
  return out.join('\n');
}
