import type { Quantity, Reading } from '@zenne/device-profiles/contracts';
import { viewerErrors } from '../errors.ts';
import {
  deviceCollectionSchema,
  deviceFeatureSchema,
  historySchema,
  latestReadingsSchema,
  readingSchema,
  type DeviceFeature,
  type History,
} from './schemas.ts';

/** Which readings `latest` and the live feed carry: one quantity, some devices (at most 1000), or both. */
export interface ReadingFilter {
  quantity?: Quantity;
  devices?: readonly string[];
}

/** The cloud accepts at most this many ids in one `device=` list (docs/architecture.md). */
export const MAX_DEVICES_PER_QUERY = 1000;

function filterQuery(filter: ReadingFilter): string {
  const q = new URLSearchParams();
  if (filter.devices) q.set('device', filter.devices.join(','));
  if (filter.quantity) q.set('quantity', filter.quantity);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Items the client dropped because they did not match the contract, by route. */
export type RejectedCounts = Record<string, number>;

/**
 * Same-origin client of the cloud API (`/api/v1`, docs/architecture.md). Every answer is
 * validated; an invalid item is skipped, counted in `rejected` and reported once per route
 * through `onInvalid`, never thrown, so one bad device or reading does not blank the layer.
 */
export class ApiClient {
  readonly rejected: RejectedCounts = {};
  private readonly reportedInvalid = new Set<string>();

  constructor(
    readonly base: string = '/api/v1',
    private readonly onInvalid: (err: Error) => void = (err) => console.warn(err.message),
  ) {}

  /** URL of the live feed (for EventSource), filtered like `latest`. */
  liveUrl(filter: ReadingFilter): string {
    return `${this.base}/live${filterQuery(filter)}`;
  }

  async devices(): Promise<DeviceFeature[]> {
    const body = await this.getJson('/devices', deviceCollectionSchema);
    return this.keepValid('/devices', body.features, (f) => deviceFeatureSchema.safeParse(f));
  }

  /** The latest reading per (device, quantity) matching the filter. */
  async latest(filter: ReadingFilter): Promise<Reading[]> {
    const body = await this.getJson(`/readings/latest${filterQuery(filter)}`, latestReadingsSchema);
    return this.keepValid('/readings/latest', body.readings, (r) => readingSchema.safeParse(r));
  }

  async history(device: string, quantity: Quantity, from: Date, to: Date, bucketS: number): Promise<History> {
    const q = new URLSearchParams({
      device,
      quantity,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket: String(bucketS),
    });
    return this.getJson(`/readings/history?${q.toString()}`, historySchema);
  }

  /** Validates one live-feed payload; null (and counted) when it is not a Reading. */
  parseReading(route: string, json: string): Reading | null {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      value = undefined;
    }
    const [reading] = this.keepValid(route, [value], (r) => readingSchema.safeParse(r));
    return reading ?? null;
  }

  private keepValid<T>(
    route: string,
    items: readonly unknown[],
    parse: (item: unknown) => { success: true; data: T } | { success: false; error: { message: string } },
  ): T[] {
    const out: T[] = [];
    for (const item of items) {
      const result = parse(item);
      if (result.success) {
        out.push(result.data);
        continue;
      }
      this.rejected[route] = (this.rejected[route] ?? 0) + 1;
      if (!this.reportedInvalid.has(route)) {
        this.reportedInvalid.add(route);
        this.onInvalid(viewerErrors.API_INVALID({ path: `${this.base}${route}`, reason: result.error.message }));
      }
    }
    return out;
  }

  private async getJson<T>(path: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }): Promise<T> {
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' } });
    } catch (err) {
      throw viewerErrors.API_UNAVAILABLE({ path: url, reason: (err as Error).message }, { cause: err });
    }
    if (!response.ok) throw viewerErrors.API_UNAVAILABLE({ path: url, reason: `HTTP ${response.status}` });
    const result = schema.safeParse(await response.json());
    if (!result.success) throw viewerErrors.API_INVALID({ path: url, reason: result.error.message });
    return result.data;
  }
}
