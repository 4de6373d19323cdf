import { text } from 'node:stream/consumers';
import { cloudErrors } from '../errors.ts';
import { hashSecret } from '../registry/secret-hash.ts';
import { parseFlags } from './flags.ts';

const HELP = `zenne-cloud hash-secret: print the scrypt hash of a gateway secret

Usage: zenne-cloud hash-secret < secret-file

Reads the secret from stdin (one trailing newline is dropped) and prints
scrypt$N$r$p$salt$key, to put in a seed file as \`secret_hash\` so the clear
secret never sits in the file. The secret is never an argument: arguments
show up in the process list and shell history.

Examples:
  printf '%s' 'my gateway secret' | zenne-cloud hash-secret
  zenne-cloud hash-secret < /etc/zenne/gw-monnaie.secret
`;

export async function hashSecretCommand(args: string[]): Promise<number> {
  const { help } = parseFlags('hash-secret', args, []);
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const secret = (await text(process.stdin)).replace(/\r?\n$/, '');
  if (secret.length < 8) {
    throw cloudErrors.BAD_FLAG({ command: 'hash-secret', problem: 'the secret on stdin must have at least 8 characters' });
  }
  process.stdout.write(`${await hashSecret(secret)}\n`);
  return 0;
}
