import { z } from 'zod';
import { deviceIdSchema, idSchema } from '@zenne/device-profiles';

/** OPC UA node id in its string form (Part 6 §5.3.1.10), e.g. `ns=2;s=AHU1.SupplyTemp` or `ns=1;i=1003`. */
const nodeIdSchema = z.string().regex(/^(nsu=[^;]+;|ns=\d+;)?[isgb]=.+$/, 'an OPC UA node id such as ns=2;s=Room101.Temperature or ns=1;i=1003');

/**
 * One device behind the server: its profile (transport `opcua`) says which
 * quantities its channels carry, in which unit, with which ranges; `nodes`
 * says which variable holds each channel's field.
 */
export const opcuaDeviceSchema = z.strictObject({
  device: deviceIdSchema,
  profile: idSchema,
  /** Map(profile channel field -> node id): one monitored item each. */
  nodes: z.record(z.string().min(1), nodeIdSchema).refine((nodes) => Object.keys(nodes).length > 0, 'name at least one node'),
  /** How often the server samples these nodes (Part 4 §5.12.1.2); defaults to the publishing interval. */
  sampling_interval_ms: z.number().int().nonnegative().optional(),
});
export type OpcuaDevice = z.infer<typeof opcuaDeviceSchema>;

/** Part 4 §7.20 MessageSecurityMode. */
export const opcuaSecurityModeSchema = z.enum(['None', 'Sign', 'SignAndEncrypt']);
/** Part 7 security policies node-opcua implements (the deprecated Basic128Rsa15 and Basic256 are left out). */
export const opcuaSecurityPolicySchema = z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']);

/**
 * A source reading many devices from one OPC UA server (a building management
 * system, a PLC): every node of every device is a monitored item of one
 * subscription.
 */
export const opcuaSourceConfigSchema = z
  .strictObject({
    id: idSchema,
    kind: z.literal('opcua'),
    endpoint: z.string().regex(/^opc\.tcp:\/\/[^/\s]+/, 'an opc.tcp:// URL, e.g. opc.tcp://bms.local:4840'),
    security_mode: opcuaSecurityModeSchema.default('None'),
    security_policy: opcuaSecurityPolicySchema.default('None'),
    /** Client application instance certificate (PEM or DER); required for Sign and SignAndEncrypt. */
    certificate_file: z.string().min(1).optional(),
    /** Its private key (PEM); required with certificate_file. */
    private_key_file: z.string().min(1).optional(),
    /** Client PKI folder (trusted/, rejected/, issuers/): the server's certificate must be in trusted/certs. */
    pki_dir: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    publishing_interval_ms: z.number().int().positive().default(1000),
    devices: z.array(opcuaDeviceSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const secured = config.security_mode !== 'None';
    if (secured && config.security_policy === 'None') {
      ctx.addIssue({ code: 'custom', path: ['security_policy'], message: `security_mode ${config.security_mode} needs a security_policy other than None` });
    }
    if (!secured && config.security_policy !== 'None') {
      ctx.addIssue({ code: 'custom', path: ['security_mode'], message: `security_policy ${config.security_policy} needs security_mode Sign or SignAndEncrypt` });
    }
    if (secured) {
      for (const key of ['certificate_file', 'private_key_file', 'pki_dir'] as const) {
        if (!config[key]) ctx.addIssue({ code: 'custom', path: [key], message: `security_mode ${config.security_mode} needs ${key}` });
      }
    }
    if ((config.username === undefined) !== (config.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: [config.username === undefined ? 'username' : 'password'], message: 'username and password go together' });
    }
  });
export type OpcuaSourceConfig = z.infer<typeof opcuaSourceConfigSchema>;
