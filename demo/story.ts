/**
 * What the demo has seen happen, read from the real receivers as the on-call person would see
 * it: the first metrics of each demo container in Graphite, every page and resolve the PagerDuty
 * stand-in accepted (with its links and graph), every mail the SMTP server received. A page of
 * the crash loop or the hog is also saved as JSON (routing key redacted) for the README.
 */
import fs from 'node:fs';
import path from 'node:path';
import { segment } from '../collector/sinks/names';
import type { PagerDutyStandin } from '../test/support/pagerduty-standin';
import { getJson } from './net';

export interface Page {
  summary: string;
  container?: string;
  rule?: string;
  resolved: boolean;
  image?: string;
}

export interface StoryOptions {
  graphiteUrl: string;
  inboxUrl: string;
  pd: PagerDutyStandin;
  host: string;
  outDir: string;
  say: (line: string) => void;
}

type Links = Array<{ href: string; text: string }> | undefined;
type Images = Array<{ src: string }> | undefined;

export class Story {
  readonly pages = new Map<string, Page>();
  mails = 0;
  /** The demo containers by role (web, worker, hog), once they run. */
  names: Record<string, string> = {};
  private readonly metricsShown = new Set<string>();
  private seenPd = 0;

  private constructor(
    private readonly o: StoryOptions,
    private readonly mailsBefore: number,
  ) {}

  /** Starts counting mails from what the inbox holds now (an earlier run's are not ours). */
  static async begin(o: StoryOptions): Promise<Story> {
    return new Story(o, (await getJson<unknown[]>(o.inboxUrl))?.length ?? 0);
  }

  /** Reads what is new at each receiver and tells it. */
  async read(): Promise<void> {
    await this.readMetrics();
    this.readPages();
    await this.readMails();
  }

  paged(container: string, rule: string): Page | undefined {
    return [...this.pages.values()].find((p) => p.container === container && p.rule === rule);
  }

  firing(): number {
    return [...this.pages.values()].filter((p) => !p.resolved).length;
  }

  private async readMetrics(): Promise<void> {
    const { graphiteUrl, host, say } = this.o;
    for (const [role, name] of Object.entries(this.names)) {
      if (this.metricsShown.has(role)) continue;
      const series = `stats.gauges.lookout.${segment(host)}.${segment(name)}.cpu.percent`;
      const found = await getJson<unknown[]>(`${graphiteUrl}/metrics/find?query=${series}`);
      if (found && found.length > 0) {
        this.metricsShown.add(role);
        say(
          `  metrics: ${name} cpu.percent is in Graphite: ${graphiteUrl}/render?target=${series}&from=-10min&format=png`,
        );
      }
    }
  }

  private readPages(): void {
    const { pd, say } = this.o;
    for (; this.seenPd < pd.accepted.length; this.seenPd++) {
      const ev = pd.accepted[this.seenPd]!;
      const b = ev.body;
      if (ev.path === '/v2/change/enqueue') {
        say(`  CHANGE EVENT: ${String(b.payload?.summary)}`);
      } else if (b.event_action === 'trigger') {
        this.triggered(b);
      } else if (b.event_action === 'resolve') {
        const key = String(b.dedup_key);
        const p = this.pages.get(key);
        if (p) p.resolved = true;
        say(`  RESOLVED: ${p?.summary ?? key}`);
      }
    }
  }

  private triggered(b: PagerDutyStandin['accepted'][number]['body']): void {
    const { outDir, say } = this.o;
    const names = this.names;
    const images = b.images as Images;
    this.pages.set(String(b.dedup_key), {
      summary: String(b.payload?.summary),
      container: b.payload?.component as string,
      rule: b.payload?.class as string,
      resolved: false,
      image: images?.[0]?.src,
    });
    say(`  PAGE (trigger, ${String(b.payload?.severity)}): ${String(b.payload?.summary)}`);
    for (const l of (b.links as Links) ?? []) say(`      ${l.text}: ${l.href}`);
    for (const i of images ?? []) say(`      graph: ${i.src}`);
    if (b.payload?.component === names.hog || b.payload?.component === names.worker) {
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(
        path.join(outDir, `page-${b.payload?.class as string}.json`),
        `${JSON.stringify(b, (k, v: unknown) => (k === 'routing_key' ? '(redacted)' : v), 2)}\n`,
      );
    }
  }

  private async readMails(): Promise<void> {
    const { inboxUrl, outDir, say } = this.o;
    const inbox = (await getJson<Array<{ raw: string; to: string[] }>>(inboxUrl)) ?? [];
    for (const mail of inbox.slice(this.mailsBefore + this.mails)) {
      this.mails++;
      const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(mail.raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ');
      say(`  MAIL to ${mail.to.join(', ')}: ${subject ?? '(no subject)'}`);
      if (this.mails === 1) {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(path.join(outDir, 'mail.eml'), mail.raw);
      }
    }
  }
}
