import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/**
 * `docker run` arguments for one service of a compose file, so the sidecar test runs exactly the
 * mounts, user, groups and hardening that deploy/compose.yaml ships (no compose CLI on CI here).
 * Covers the keys our compose files use; an unknown key fails loudly rather than being dropped.
 */
export interface ComposeRunOptions {
  /** Variables for `${NAME}`, `${NAME:-default}`, `${NAME:?message}`. */
  vars: Record<string, string | undefined>;
  /** Replace the source of the volume mounted at this target; `null` drops the mount. */
  volumes?: Record<string, string | null>;
  /** Named volumes → the real volume names to use (per test run). */
  namedVolumes?: Record<string, string>;
  /** Extra or overriding environment. */
  env?: Record<string, string>;
  image?: string;
  command?: string[];
  /** Options placed last before the image, so they win over the compose file's. */
  extraArgs?: string[];
  /** Replaces the compose file's logging (driver and its options), e.g. `none`. */
  logDriver?: string;
}

const HANDLED = new Set([
  'image',
  'build',
  'command',
  'restart',
  'init',
  'read_only',
  'tmpfs',
  'user',
  'group_add',
  'cap_drop',
  'security_opt',
  'network_mode',
  'environment',
  'volumes',
  'labels',
  'logging',
]);

export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g,
    (_m, name: string, op?: string, arg?: string) => {
      const v = vars[name];
      if (v !== undefined && v !== '') return v;
      if (op === ':-') return arg ?? '';
      if (op === ':?') throw new Error(`compose: ${name} is not set: ${arg}`);
      return '';
    },
  );
}

export function composeService(file: string, service: string): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as {
    services?: Record<string, Record<string, unknown>>;
  };
  const svc = doc.services?.[service];
  if (!svc) throw new Error(`${file}: no service ${service}`);
  for (const k of Object.keys(svc))
    if (!HANDLED.has(k)) throw new Error(`${file}: compose-run does not translate "${k}"`);
  return svc;
}

/** Arguments after `docker run` (options, image, command). */
export function composeRunArgs(file: string, service: string, o: ComposeRunOptions): string[] {
  const svc = composeService(file, service);
  const dir = path.dirname(file);
  const s = (v: unknown) => interpolate(String(v), o.vars);
  const args: string[] = [];
  if (svc.init) args.push('--init');
  if (svc.read_only) args.push('--read-only');
  for (const t of (svc.tmpfs as string[] | undefined) ?? []) args.push('--tmpfs', s(t));
  if (svc.user !== undefined) args.push('--user', s(svc.user));
  for (const g of (svc.group_add as unknown[] | undefined) ?? []) args.push('--group-add', s(g));
  for (const c of (svc.cap_drop as string[] | undefined) ?? []) args.push('--cap-drop', s(c));
  for (const opt of (svc.security_opt as string[] | undefined) ?? []) args.push('--security-opt', s(opt));
  if (svc.network_mode) args.push('--network', s(svc.network_mode));
  const env = { ...((svc.environment as Record<string, unknown> | undefined) ?? {}) };
  for (const [k, v] of Object.entries({ ...env, ...o.env })) args.push('--env', `${k}=${s(v)}`);
  for (const [k, v] of Object.entries((svc.labels as Record<string, unknown> | undefined) ?? {}))
    args.push('--label', `${k}=${s(v)}`);
  const logging = o.logDriver
    ? { driver: o.logDriver }
    : (svc.logging as { driver?: string; options?: Record<string, unknown> } | undefined);
  if (logging?.driver) args.push('--log-driver', logging.driver);
  for (const [k, v] of Object.entries(logging?.options ?? {})) args.push('--log-opt', `${k}=${s(v)}`);
  for (const spec of (svc.volumes as string[] | undefined) ?? []) {
    const [src, target, mode] = s(spec).split(':') as [string, string, string | undefined];
    if (o.volumes && target in o.volumes) {
      const replaced = o.volumes[target];
      if (replaced !== null && replaced !== undefined)
        args.push('-v', `${replaced}:${target}${mode ? `:${mode}` : ''}`);
      continue;
    }
    const isPath = src.startsWith('/') || src.startsWith('.');
    const source = isPath ? path.resolve(dir, src) : (o.namedVolumes?.[src] ?? src);
    args.push('-v', `${source}:${target}${mode ? `:${mode}` : ''}`);
  }
  args.push(...(o.extraArgs ?? []));
  args.push(o.image ?? s(svc.image));
  args.push(...(o.command ?? ((svc.command as string[] | undefined) ?? []).map(s)));
  return args;
}
