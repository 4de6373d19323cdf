import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli/commands/run.ts';
import { statusCommand } from '../src/cli/commands/status.ts';
import { validateCommand } from '../src/cli/commands/validate.ts';
import { EXIT } from '../src/cli/exit-codes.ts';
import { invokeCommand as invoke } from './helpers/invoke-command.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/agent.yaml', import.meta.url));

describe('zenne-agent commands', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it.each([runCommand, statusCommand, validateCommand])('$name --help shows usage, examples and exit codes', async (command) => {
    const { code, out } = await invoke(command, ['--help']);
    expect(code).toBe(EXIT.OK);
    expect(out).toContain(`Usage: zenne-agent ${command.name}`);
    expect(out).toContain('Examples:');
    expect(out).toContain('Exit codes:');
  });

  it.each([runCommand, statusCommand, validateCommand])('$name without --config is a usage error', async (command) => {
    await expect(command.run([])).rejects.toMatchObject({ code: 'ZENNE_ERR_AGENT_CLI_USAGE' });
  });

  it('validate describes each source of a valid config', async () => {
    const { code, out } = await invoke(validateCommand, ['--config', EXAMPLE]);
    expect(code).toBe(EXIT.OK);
    expect(out).toContain('valid — gateway gw-monnaie');
    expect(out).toContain('pms5003-01: serial /dev/ttyUSB1 @ 9600 baud, bridge pms5003 → aq-monnaie-02 (plantower-pms5003)');
  });

  it('status says NOT RUNNING (exit 3) when the agent never ran with this state_dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zenne-cli-'));
    dirs.push(dir);
    const config = join(dir, 'agent.yaml');
    await writeFile(
      config,
      `gateway: { id: gw-cli }\ncloud: { mqtt_url: "mqtt://127.0.0.1:1", password: x }\nstate_dir: ./state\nsources:\n  - { id: s1, kind: serial, port: ./tty, baud_rate: 9600, bridge: sds011, profile: nova-sds011, device: aq-cli-01 }\n`,
    );
    const text = await invoke(statusCommand, ['--config', config]);
    expect(text.code).toBe(EXIT.NOT_RUNNING);
    expect(text.out).toContain('NOT RUNNING');
    const json = await invoke(statusCommand, ['--config', config, '--json']);
    expect(json.code).toBe(EXIT.NOT_RUNNING);
    expect(JSON.parse(json.out)).toEqual({ liveness: 'not_running', age_s: null, status: null });
  });
});
