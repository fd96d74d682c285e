import { z } from 'zod';
import { duration, hostPort } from '../../../core/config/types';

const common = {
  /** The `target` label on the samples (default: the URL or host:port). */
  name: z.string().min(1).optional(),
  timeout: duration().optional(),
};

/** One HTTP(S) endpoint: up when the status is expected and the body matches. */
export const httpProbeSchema = z
  .object({
    http: z.url({ protocol: /^https?$/, error: 'an http(s):// URL' }),
    ...common,
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    headers: z.record(z.string(), z.string()).optional(),
    /** Status codes counted as up: a list, or `2xx`-style classes. */
    expect_status: z
      .array(z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/)]))
      .default(['2xx', '3xx']),
    /** A regex the body must match. */
    body_match: z
      .string()
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'regex does not compile')
      .optional(),
    /** Check the certificate chain (an expired or self-signed certificate is then down). */
    tls_verify: z.boolean().default(true),
  })
  .strict();

/** One TCP endpoint: up when it accepts a connection. */
export const tcpProbeSchema = z.object({ tcp: hostPort(), ...common }).strict();

/** `probes:` endpoints checked from the outside, as Nagios checked the web tier. */
export const probesConfigSchema = z
  .object({
    interval: duration().default(15_000),
    /** Default deadline of one check. */
    timeout: duration().default(5_000),
    targets: z
      .array(
        z.union([httpProbeSchema, tcpProbeSchema], {
          error: 'a probe target is {http: URL, ...} or {tcp: host:port, ...}',
        }),
      )
      .default([]),
  })
  .strict()
  .prefault({});

export type ProbesConfig = z.output<typeof probesConfigSchema>;
export type HttpProbeConfig = z.output<typeof httpProbeSchema>;
export type TcpProbeConfig = z.output<typeof tcpProbeSchema>;
