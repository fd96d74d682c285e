/**
 * Reads lookout's mails as received by the SMTP server: the decoded text part, and each alert
 * block in it (render.ts's textBody: a "Firing:" or "Resolved:" section, `- summary`, then
 * `  key: value` facts and links) with its rule, container and links.
 */

export interface MailAlert {
  section: 'Firing' | 'Resolved';
  summary: string;
  rule?: string;
  container?: string;
  links: Record<string, string>;
}

export interface ParsedMail {
  subject: string;
  text: string;
  alerts: MailAlert[];
  /** The "Also firing, muted by the alerts above" lines. */
  muted: string[];
}

function decode(body: string, headers: string): string {
  if (/quoted-printable/i.test(headers))
    return Buffer.from(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, x: string) => String.fromCharCode(parseInt(x, 16))),
      'latin1',
    ).toString('utf8');
  if (/base64/i.test(headers)) return Buffer.from(body, 'base64').toString('utf8');
  return body;
}

/** The text/plain part of a raw mail (multipart/alternative or a single part). */
export function textPart(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const subject = /^subject: (.*)$/im.exec(headers)?.[1] ?? '';
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(headers)?.[1];
  if (!boundary) return { subject, text: decode(raw.slice(split + 4), headers) };
  for (const p of raw.split(`--${boundary}`)) {
    const i = p.indexOf('\r\n\r\n');
    const h = p.slice(0, i);
    if (/text\/plain/i.test(h)) return { subject, text: decode(p.slice(i + 4), h) };
  }
  return { subject, text: '' };
}

export function parseMail(raw: string): ParsedMail {
  const { subject, text } = textPart(raw);
  const alerts: MailAlert[] = [];
  const muted: string[] = [];
  let section: 'Firing' | 'Resolved' | 'Muted' | undefined;
  let cur: MailAlert | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === 'Firing:' || line === 'Resolved:') {
      section = line.slice(0, -1) as 'Firing' | 'Resolved';
      continue;
    }
    if (line.startsWith('Also firing, muted')) {
      section = 'Muted';
      continue;
    }
    if (line.startsWith('- ') && section === 'Muted') {
      muted.push(line.slice(2));
      continue;
    }
    if (line.startsWith('- ') && (section === 'Firing' || section === 'Resolved')) {
      const a: MailAlert = { section, summary: line.slice(2), links: {} };
      alerts.push(a);
      cur = a;
      continue;
    }
    const fact = /^ {2}([A-Za-z ]+): (.*)$/.exec(line);
    if (!fact || !cur) continue;
    const [, k, v] = fact as unknown as [string, string, string];
    if (k === 'rule') cur.rule = v;
    else if (k === 'labels') cur.container = /(?:^|, )container=([^,]+)/.exec(v)?.[1];
    else if (/^https?:|^file:/.test(v)) cur.links[k] = v;
  }
  return { subject, text, alerts, muted };
}
