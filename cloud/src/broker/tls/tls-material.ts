import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { brokerErrors } from '../../errors.ts';
import { createDevCertificates } from './dev-certificate.ts';

/** What the TLS listener serves. `caFile` is set for the development CA (gateways need it as `cloud.ca_file`). */
export interface TlsMaterial {
  cert: string;
  key: string;
  caFile?: string;
  /** Host names and addresses the certificate is valid for, and when it expires, for the log. */
  names: string[];
  validTo: string;
}

export interface TlsMaterialOptions {
  /** The user's own certificate chain and key (PEM); both or neither. */
  certFile?: string;
  keyFile?: string;
  /** Names for a new development certificate; default localhost, 127.0.0.1, ::1 and this host's name. */
  hosts?: string[];
}

/** `<dataDir>/tls`: the development CA and broker certificate, made at first start and kept. */
export function devTlsDir(dataDir: string): string {
  return join(dataDir, 'tls');
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw brokerErrors.TLS_UNUSABLE({ file, reason: `${what} cannot be read: ${(err as Error).message}` }, { cause: err });
  }
}

function describe(certPem: string, file: string): { names: string[]; validTo: string } {
  try {
    const cert = new X509Certificate(certPem);
    const names = (cert.subjectAltName ?? '').split(', ').map((n) => n.replace(/^(DNS|IP Address):/, '')).filter(Boolean);
    return { names, validTo: new Date(cert.validTo).toISOString() };
  } catch (err) {
    throw brokerErrors.TLS_UNUSABLE({ file, reason: `not a PEM certificate: ${(err as Error).message}` }, { cause: err });
  }
}

/**
 * The certificate and key of the MQTT TLS listener: the user's files when
 * given, else the development pair in `<dataDir>/tls` (created on first use:
 * ca.pem for gateways, ca-key.pem, server.pem, server-key.pem; keys 0600).
 * Throws ZENNE_ERR_BROKER_TLS_UNUSABLE naming the file.
 */
export async function loadTlsMaterial(dataDir: string, options: TlsMaterialOptions = {}): Promise<TlsMaterial> {
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    throw brokerErrors.TLS_UNUSABLE({ file: options.certFile ?? options.keyFile!, reason: 'give both --tls-cert and --tls-key' });
  }
  if (options.certFile && options.keyFile) {
    const cert = await readPem(options.certFile, 'the certificate');
    const key = await readPem(options.keyFile, 'the key');
    return { cert, key, ...describe(cert, options.certFile) };
  }
  const dir = devTlsDir(dataDir);
  const files = { ca: join(dir, 'ca.pem'), caKey: join(dir, 'ca-key.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem') };
  let cert: string;
  let key: string;
  try {
    [cert, key] = await Promise.all([readFile(files.cert, 'utf8'), readFile(files.key, 'utf8')]);
  } catch {
    const made = await createDevCertificates(options.hosts ?? ['localhost', '127.0.0.1', '::1', hostname()]);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(files.ca, made.caPem);
    await writeFile(files.caKey, made.caKeyPem, { mode: 0o600 });
    await writeFile(files.cert, made.certPem);
    await writeFile(files.key, made.keyPem, { mode: 0o600 });
    [cert, key] = [made.certPem, made.keyPem];
  }
  return { cert, key, caFile: files.ca, ...describe(cert, files.cert) };
}
