/**
 * One factory for every Zenne error. Each package declares its catalogue with
 * `defineErrors(area, {...})`; codes read `ZENNE_ERR_<AREA>_<WHAT>` and every
 * code is listed in docs/errors.md (a root test keeps both in sync).
 *
 * Plugins classify, hosts decide: `kind` tells the caller whether to retry
 * (`retryable`), re-provision credentials (`auth`), reject the input and go on
 * (`invalid_input`), or stop (`fatal`).
 */
export type ErrorKind = 'retryable' | 'auth' | 'invalid_input' | 'fatal';

export interface ErrorSpec {
  kind: ErrorKind;
  /** What went wrong, phrased for a technician. May use {placeholders}. */
  message: string;
  /** What to do about it. May use {placeholders}. */
  hint?: string;
}

export class ZenneError extends Error {
  override readonly name = 'ZenneError';
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly hint: string | undefined,
    readonly details: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message} — ${hint}` : message, options);
  }

  toJSON(): { code: string; kind: ErrorKind; message: string; details: Record<string, unknown> } {
    return { code: this.code, kind: this.kind, message: this.message, details: this.details };
  }
}

export type ErrorFactory = ((details?: Record<string, unknown>, options?: { cause?: unknown }) => ZenneError) & {
  readonly code: string;
  readonly spec: ErrorSpec;
  /** True when `err` was made by this factory. */
  is(err: unknown): err is ZenneError;
};

const registry = new Map<string, ErrorSpec>();

function fill(template: string, details: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in details ? String(details[key]) : whole,
  );
}

export function defineErrors<const T extends Record<string, ErrorSpec>>(
  area: string,
  specs: T,
): { [K in keyof T]: ErrorFactory } {
  const out = {} as Record<string, ErrorFactory>;
  for (const [what, spec] of Object.entries(specs)) {
    const code = `ZENNE_ERR_${area}_${what}`;
    if (registry.has(code)) throw new Error(`duplicate error code ${code}`);
    registry.set(code, spec);
    const factory = ((details: Record<string, unknown> = {}, options?: { cause?: unknown }) =>
      new ZenneError(
        code,
        spec.kind,
        fill(spec.message, details),
        spec.hint === undefined ? undefined : fill(spec.hint, details),
        details,
        options,
      )) as ErrorFactory;
    Object.assign(factory, {
      code,
      spec,
      is: (err: unknown): err is ZenneError => err instanceof ZenneError && err.code === code,
    });
    out[what] = factory;
  }
  return out as { [K in keyof T]: ErrorFactory };
}

/** Every code declared so far in this process (for the docs sync test). */
export function declaredErrorCodes(): ReadonlyMap<string, ErrorSpec> {
  return registry;
}

export function isZenneError(err: unknown): err is ZenneError {
  return err instanceof ZenneError;
}
