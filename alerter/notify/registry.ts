import { LookoutError } from '../../core/errors';
import { consoleKind } from './console';
import { coordinatorKind } from './coordinator';
import { graphiteEventsKind } from './deploys/graphite-events';
import { emailKind } from './email';
import { pagerdutyKind } from './pagerduty';
import type { NotifierKind } from './types';
import { webhookKind } from './webhook';

/** Every notifier kind, by type. Adding an integration is one folder and one line here. */
export const NOTIFIER_KINDS = new Map<string, NotifierKind>();

export function registerNotifierKind(kind: NotifierKind): void {
  if (NOTIFIER_KINDS.has(kind.type))
    throw new LookoutError(`notifier kind "${kind.type}" is registered twice`);
  NOTIFIER_KINDS.set(kind.type, kind);
}

for (const k of [
  pagerdutyKind,
  emailKind,
  webhookKind,
  consoleKind,
  graphiteEventsKind,
  coordinatorKind,
] as NotifierKind[])
  registerNotifierKind(k);

/**
 * The receiver schemas a user may list, for the config's discriminated union (kept in step with
 * the map above; registry.test.ts checks it). graphite-events is left out on purpose: it takes
 * deploys only, so as a listed receiver (or the default route's) it would reject every alert;
 * receivers.ts adds it from the `deploys` section instead.
 */
export const receiverSchemas = [
  pagerdutyKind.schema,
  emailKind.schema,
  webhookKind.schema,
  consoleKind.schema,
  coordinatorKind.schema,
] as const;
