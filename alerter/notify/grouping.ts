/**
 * How a receiver groups when the config does not say: by what the person at the other end
 * experiences. A pager notifies on a new incident key only, so folding a second problem into an
 * open incident hides it: a paging receiver gets one notification per alert (`...`) and
 * PagerDuty's own alert grouping forms incidents. A mailbox or a webhook reads every message:
 * grouping by host keeps a bad minute to one mail (Alertmanager's model).
 */
export interface Grouping {
  by: string[];
  wait: number;
  interval: number;
  repeatInterval: number;
}

/**
 * 2 s: long enough for an inhibitor that fired in the same evaluation (a silent host, a crash
 * loop) to mute its targets before they page; short enough to page within `for` + 5 s.
 */
export const PAGING_GROUPING: Grouping = {
  by: ['...'],
  wait: 2_000,
  interval: 300_000,
  repeatInterval: 4 * 3_600_000,
};

/** Alertmanager's timers, with a 5 s wait (its 30 s made a crash loop's mail late). */
export const DIGEST_GROUPING: Grouping = {
  by: ['host'],
  wait: 5_000,
  interval: 300_000,
  repeatInterval: 4 * 3_600_000,
};

export const groupingFor = (pages: boolean): Grouping => (pages ? PAGING_GROUPING : DIGEST_GROUPING);
