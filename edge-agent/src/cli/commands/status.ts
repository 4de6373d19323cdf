import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.ts';
import { agentErrors } from '../../errors.ts';
import { readStatus, STATUS_STALE_AFTER_MS, type AgentStatus } from '../../status/status-file.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { formatAge, formatDuration, formatTable } from '../format.ts';

type Liveness = 'running' | 'stale' | 'not_running';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function liveness(status: AgentStatus, now: Date): { liveness: Liveness; age_s: number } {
  const age = now.getTime() - Date.parse(status.updated_at);
  if (status.state === 'stopped' || !processAlive(status.pid)) return { liveness: 'not_running', age_s: age / 1000 };
  return { liveness: age > STATUS_STALE_AFTER_MS ? 'stale' : 'running', age_s: age / 1000 };
}

function headline(status: AgentStatus, state: Liveness, ageS: number, now: Date): string {
  const updated = `status written ${formatDuration(ageS)} ago`;
  switch (state) {
    case 'running':
      return `zenne-agent ${status.gateway}: RUNNING (pid ${status.pid}, up ${formatDuration((now.getTime() - Date.parse(status.started_at)) / 1000)}), ${updated}`;
    case 'stale':
      return `zenne-agent ${status.gateway}: STALE — pid ${status.pid} exists but has not written its status for ${formatDuration(ageS)}; it may be hung (check its logs, restart it). Last known state below.`;
    case 'not_running':
      return status.state === 'stopped'
        ? `zenne-agent ${status.gateway}: NOT RUNNING — stopped cleanly ${formatDuration(ageS)} ago. Last known state below.`
        : `zenne-agent ${status.gateway}: NOT RUNNING — pid ${status.pid} is gone (crashed or killed) since about ${formatDuration(ageS)}. Last known state below.`;
  }
}

function render(status: AgentStatus, state: Liveness, ageS: number, now: Date): string {
  const { uplink, buffer } = status;
  const c = uplink.counters;
  const rejected = Object.entries(c.rejected_by_code).map(([code, n]) => `${code}=${n}`).join(' ');
  const since = uplink.connected_since ? `, since ${formatAge(uplink.connected_since, now)}` : '';
  const lines = [
    headline(status, state, ageS, now),
    '',
    `cloud   ${uplink.url}: ${uplink.state}${since}; last ack ${formatAge(uplink.last_ack_at, now)}; ${uplink.in_flight} batch(es) awaiting ack`,
    `        sent ${c.readings_sent} readings in ${c.batches_sent} batches (${c.batches_resent} resent); stored ${c.readings_stored}, duplicates ${c.readings_duplicate}, rejected ${c.readings_rejected}${rejected ? ` (${rejected})` : ''}; batches refused ${c.batches_refused}`,
    `buffer  ${buffer.depth} reading(s) waiting${buffer.oldest_age_s === null ? '' : `, oldest ${formatDuration(buffer.oldest_age_s)} old`}${buffer.torn_records + buffer.damaged_records > 0 ? `; at start: ${buffer.torn_records} torn record(s) cut, ${buffer.damaged_records} damaged reading(s) dropped` : ''}`,
  ];
  if (uplink.last_error) lines.push(`        last cloud problem: ${uplink.last_error}`);
  lines.push('');
  const rows = [['SOURCE', 'DEVICE', 'STATE', 'LAST FRAME', 'READINGS/MIN', 'FRAMES', 'ERRORS', 'PROBLEMS']];
  for (const s of status.sources) {
    const errors = Object.entries(s.errors).map(([kind, n]) => `${kind}=${n}`).join(' ') || '0';
    const problems = Object.entries(s.problems).map(([code, n]) => `${code.replace(/^ZENNE_ERR_/, '')}=${n}`).join(' ') || '0';
    rows.push([s.id, s.device, s.state, formatAge(s.last_frame_at, now), String(s.readings_per_minute), String(s.frames), errors, problems]);
  }
  lines.push(formatTable(rows));
  for (const s of status.sources) if (s.last_error) lines.push(`  ${s.id}: last error: ${s.last_error}`);
  return `${lines.join('\n')}\n`;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'show whether the agent runs, each source, the buffer and the cloud link',
  help: `Usage: zenne-agent status --config FILE [--json]

Reads state_dir/status.json (written every 2 s by \`zenne-agent run\`) and shows:
whether the agent runs (or is stale / gone), per source the device, its state,
the age of the last frame, readings per minute, errors by kind and profile
problems; the buffer depth and the age of its oldest reading; the cloud link
state, last ack and counters.

Options:
  -c, --config FILE   agent config (YAML); locates state_dir
      --json          print {liveness, age_s, status} as JSON instead of a table
  -h, --help          this help

Examples:
  zenne-agent status --config /etc/zenne/agent.yaml
  watch -n 2 zenne-agent status -c /etc/zenne/agent.yaml
  zenne-agent status -c agent.yaml --json | jq '.status.buffer.depth'

Exit codes: 0 running, 1 config or status file unreadable, 2 usage error,
3 not running or stale (status older than ${STATUS_STALE_AFTER_MS / 1000} s) or never started.
`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(this.help);
      return EXIT.OK;
    }
    if (!values.config) throw agentErrors.CLI_USAGE({ reason: 'status needs --config FILE' });
    const { config } = loadConfig(values.config);
    let status: AgentStatus;
    try {
      status = await readStatus(config.state_dir, config.file);
    } catch (err) {
      if (!agentErrors.STATUS_MISSING.is(err)) throw err;
      if (values.json) process.stdout.write(`${JSON.stringify({ liveness: 'not_running', age_s: null, status: null })}\n`);
      else process.stdout.write(`zenne-agent ${config.gateway.id}: NOT RUNNING — ${err.message}\n`);
      return EXIT.NOT_RUNNING;
    }
    const now = new Date();
    const { liveness: state, age_s } = liveness(status, now);
    if (values.json) process.stdout.write(`${JSON.stringify({ liveness: state, age_s, status }, null, 2)}\n`);
    else process.stdout.write(render(status, state, age_s, now));
    return state === 'running' ? EXIT.OK : EXIT.NOT_RUNNING;
  },
};
