import { topics, type DeviceProfile, type Quantity, type Reading } from '@zenne/device-profiles';
import type { CloudBroker } from '../broker/broker.ts';
import { feedErrors } from '../errors.ts';
import type { LiveBus } from '../ingest/live-bus.ts';
import { measuresAny } from '../opendata/models/profile-traits.ts';
import type { Registry } from '../registry/registry.ts';
import type { Logger } from '../shared/logger.ts';
import type { ReadingStore } from '../stores/store.ts';

/** People counters: never published raw on a public feed; open data publishes them aggregated (CrowdFlowObserved). */
const PEOPLE: readonly Quantity[] = ['people_count', 'people_flow_in', 'people_flow_out'];

export interface PublicMqttFeedOptions {
  broker: CloudBroker;
  live: LiveBus;
  store: ReadingStore;
  registry: Registry;
  profiles: ReadonlyMap<string, DeviceProfile>;
  logger: Logger;
}

export interface PublicFeedStats {
  /** Readings published on their retained public topic. */
  published: number;
  /** Readings of people-counting devices (or of devices the registry does not know) left out. */
  withheld_private: number;
  /** Readings older than the value already retained on their topic, left out so the retained value stays the newest. */
  skipped_older: number;
  failed: number;
}

/**
 * The public read-only MQTT feed: each newly stored real reading (the live
 * bus never repeats a duplicate) is published RETAINED on
 * `zenne/v1/public/{quantity}/{device}` with the Reading JSON as payload, so a
 * subscriber gets the last value at once, then every update. Scenario
 * (what-if) readings and people counters are never published.
 *
 * Lifecycle: `start()` follows the live bus, then republishes the latest
 * stored values (retained messages live in broker memory, so this restores
 * them after a restart); `stop()` stops following. Publishing failures are
 * counted and logged once per outage, never thrown.
 */
export class PublicMqttFeed {
  /** Map(topic -> [ts ms, seq] of the retained reading). */
  private readonly retained = new Map<string, [number, number]>();
  private readonly counters: PublicFeedStats = { published: 0, withheld_private: 0, skipped_older: 0, failed: 0 };
  private failing = false;
  private readonly onReading = (r: Reading) => this.offer(r);

  constructor(private readonly options: PublicMqttFeedOptions) {}

  async start(): Promise<void> {
    this.options.live.on('reading', this.onReading);
    for (const r of await this.options.store.latest()) this.offer(r);
  }

  stop(): void {
    this.options.live.off('reading', this.onReading);
  }

  stats(): PublicFeedStats {
    return { ...this.counters };
  }

  private isPrivate(r: Reading): boolean {
    if (PEOPLE.includes(r.quantity)) return true;
    const device = this.options.registry.getDevice(r.device);
    const profile = device && this.options.profiles.get(device.profile);
    // Unknown device or profile: nothing says it is not a people counter, so keep it off the public feed.
    return !profile || measuresAny(profile, PEOPLE);
  }

  private offer(r: Reading): void {
    if (r.scenario !== undefined) return;
    if (this.isPrivate(r)) {
      this.counters.withheld_private++;
      return;
    }
    const topic = topics.publicReading(r.quantity, r.device);
    const at: [number, number] = [Date.parse(r.ts), r.seq];
    const held = this.retained.get(topic);
    // A late batch (a gateway emptying its buffer) must not replace a newer retained value.
    if (held && (at[0] < held[0] || (at[0] === held[0] && at[1] <= held[1]))) {
      this.counters.skipped_older++;
      return;
    }
    this.retained.set(topic, at);
    this.options.broker.publish(topic, JSON.stringify(r), 1, { retain: true }).then(
      () => {
        this.counters.published++;
        if (this.failing) this.options.logger.info({ topic }, 'public MQTT feed recovered');
        this.failing = false;
      },
      (err: unknown) => {
        this.counters.failed++;
        if (this.failing) return;
        this.failing = true;
        const e = feedErrors.PUBLIC_PUBLISH_FAILED({ topic, reason: err instanceof Error ? err.message : String(err) });
        this.options.logger.warn({ code: e.code }, e.message);
      },
    );
  }
}
