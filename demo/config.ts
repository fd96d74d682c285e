/**
 * The config the demo runs `lookout run` with: real Graphite by StatsD and by carbon, real SMTP,
 * the local PagerDuty stand-in, short intervals so the story unfolds in a couple of minutes.
 */
export interface DemoConfigInput {
  stateDir: string;
  httpPort: number;
  apiPort: number;
  webPort: number;
  pagerdutyServer: string;
  pagerdutyCaFile: string;
  graphiteUrl: string;
  carbonPort: number;
  statsdPort: number;
  smtpPort: number;
  rulesDir: string;
  runbooksDir: string;
  /** The scaling chapter (demo/scaling.ts): its rules folder and the example coordinator's URL. */
  scaling: { rulesDir: string; coordinatorUrl: string; scaleInQuietS: number };
}

export function demoConfig(c: DemoConfigInput): string {
  return `# written by the demo (demo/config.ts)
state:
  path: ${c.stateDir}/state.db
log:
  format: json
http:
  listen: 127.0.0.1:${c.httpPort}
collector:
  stats:
    interval: 2s
  heartbeat:
    interval: 5s
  logs:
    start_at: end
  probes:
    interval: 5s
    targets:
      - { http: 'http://127.0.0.1:${c.webPort}/', name: demo-web }
sinks:
  - { type: statsd, address: '127.0.0.1:${c.statsdPort}' }
  - { type: graphite, address: '127.0.0.1:${c.carbonPort}' }
alerter:
  rules: [${c.rulesDir}, ${c.scaling.rulesDir}]
  eval_interval: 1s
${notifySection(c)}  api:
    listen: 127.0.0.1:${c.apiPort}
  links:
    graphite_url: ${c.graphiteUrl}
    # No Grafana or Kibana here: the pages' Dashboard and Logs links land on the alerter's
    # incident page (its graph and the container's last lines) instead of nowhere.
    alerter_url: http://127.0.0.1:${c.apiPort}
    runbook_base: file://${c.runbooksDir}
`;
}

/** Where pages go: the PagerDuty stand-in, the SMTP server, and the example coordinator. */
function notifySection(c: DemoConfigInput): string {
  return `notify:
  receivers:
    - name: pagerduty
      type: pagerduty
      routing_key: { env: DEMO_PAGERDUTY_ROUTING_KEY }
      events_host: ${c.pagerdutyServer}
      ca_file: ${c.pagerdutyCaFile}
    - name: mail
      type: email
      host: 127.0.0.1
      port: ${c.smtpPort}
      starttls: 'off'
      from: lookout@demo.invalid
      to: [oncall@demo.invalid]
    # The example coordinator (deploy/examples/coordinator/), its waits scaled to the demo.
    - name: scaler
      type: coordinator
      url: ${c.scaling.coordinatorUrl}
      secret: { env: DEMO_COORDINATOR_SECRET }
      timeout: 30s
      cooldown: 30s
      scale_in_quiet: ${c.scaling.scaleInQuietS}s
      services:
        shop: { min: 1, max: 3, size: 1 }
  # Stock grouping: PagerDuty gets one alert per problem (each story pages and resolves on its
  # own), the mail is a digest per host. A hot pool also asks the coordinator for a replica; an
  # idle one only asks it to scale in (no page for that).
  route:
    receiver: pagerduty
    routes:
      - { receiver: scaler, match: { rule: demo_pool_cold } }
      - { receiver: scaler, match: { rule: demo_pool_hot }, continue: true }
      - { receiver: pagerduty, continue: true }
      - { receiver: mail }
`;
}
