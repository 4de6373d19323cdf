import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { brokerErrors, cloudErrors } from '../errors.ts';
import { mosquittoAclFile, mosquittoAuthConf, mosquittoPasswordLine } from '../broker/external/mosquitto-auth.ts';
import { readSeedFile } from '../registry/seed-file.ts';
import { prepareDataDir } from '../shared/data-dir.ts';
import { parseFlags, requireFlag } from './flags.ts';

const HELP = `zenne-cloud mosquitto-auth: password and ACL files for an external Mosquitto broker

Usage: zenne-cloud mosquitto-auth --seed FILE --out DIR [flags]

With an external broker (\`zenne-cloud ingest-worker\`), the broker checks the
gateways' logins and topics instead of the cloud. This writes into DIR:
  passwd          Mosquitto 2 password file (PBKDF2-SHA512, as mosquitto_passwd): one line
                  per gateway of the seed file with a clear \`secret\`, plus the ingest user
  acl             ACL file: a gateway (username = gateway id, %u) may publish only on its own
                  readings/status/events/config/reported/commands/result and read its own
                  ack/config/desired/commands, as the embedded broker allows; the ingest user
                  reads and answers every gateway
  zenne-auth.conf the mosquitto.conf lines loading both (allow_anonymous false)
  ingest-password a new random password of the ingest user, unless --ingest-password-file
                  gives one (pass it to \`ingest-worker --password-file\`)
The registry keeps only scrypt hashes, which cannot become Mosquitto hashes, so
the clear secrets come from a seed file; a gateway with only \`secret_hash\` is
named on stderr with the mosquitto_passwd command to add it. Re-run (and
reload Mosquitto with SIGHUP) after adding gateways.

Flags:
  --seed FILE                  seed file with the gateways (format: cloud/README.md "Seed file"; required)
  --out DIR                    where the files go (created if needed; required)
  --ingest-user NAME           username of the ingest workers (default zenne-ingest)
  --ingest-password-file FILE  the ingest user's password (default: a new one in DIR/ingest-password)
  -h, --help                   this help

Examples:
  zenne-cloud mosquitto-auth --seed ./fleet.yaml --out /etc/mosquitto/zenne
  zenne-cloud mosquitto-auth --seed ./fleet.yaml --out ./mqtt-auth --ingest-password-file ./ingest.secret
`;

export async function mosquittoAuthCommand(args: string[]): Promise<number> {
  const { help, values: flags } = parseFlags('mosquitto-auth', args, ['seed', 'out', 'ingest-user', 'ingest-password-file']);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const seedFile = resolve(requireFlag('mosquitto-auth', 'seed', flags.seed));
  const out = resolve(requireFlag('mosquitto-auth', 'out', flags.out));
  const ingestUser = flags['ingest-user'] ?? 'zenne-ingest';
  const seed = await readSeedFile(seedFile);
  if (seed.gateways.some((g) => g.id === ingestUser)) {
    throw cloudErrors.BAD_FLAG({ command: 'mosquitto-auth', problem: `--ingest-user "${ingestUser}" is also a gateway id; the ingest user would get a gateway's rights` });
  }
  await prepareDataDir(out);
  const passwordFile = join(out, 'passwd');
  const aclFile = join(out, 'acl');

  let ingestPassword: string;
  if (flags['ingest-password-file'] !== undefined) {
    ingestPassword = (await readFile(resolve(flags['ingest-password-file']), 'utf8')).trim();
  } else {
    ingestPassword = randomBytes(24).toString('base64url');
    await writeFile(join(out, 'ingest-password'), `${ingestPassword}\n`, { mode: 0o600 });
  }

  const lines = [await mosquittoPasswordLine(ingestUser, ingestPassword)];
  for (const gateway of seed.gateways) {
    if (gateway.secret !== undefined) {
      lines.push(await mosquittoPasswordLine(gateway.id, gateway.secret));
      continue;
    }
    const err = brokerErrors.MOSQUITTO_NO_SECRET({ gateway: gateway.id, file: seedFile, passwordFile });
    process.stderr.write(`${err.code}: ${err.message}\n  ${err.hint}\n`);
  }
  // Mosquitto reads the file as root before dropping privileges; nobody else needs the hashes.
  await writeFile(passwordFile, lines.join('\n') + '\n', { mode: 0o600 });
  await writeFile(aclFile, mosquittoAclFile(ingestUser));
  await writeFile(join(out, 'zenne-auth.conf'), mosquittoAuthConf(passwordFile, aclFile));
  process.stdout.write(`wrote ${passwordFile} (${lines.length - 1} gateway(s) + ${ingestUser}), ${aclFile} and ${join(out, 'zenne-auth.conf')}\n`);
  return 0;
}
