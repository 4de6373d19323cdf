import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { GatewayStatus, Reading } from '@zenne/device-profiles';
import { alertErrors } from '../errors.ts';
import type { LiveBus } from '../ingest/live-bus.ts';
import type { ReadingStore } from '../stores/store.ts';
import type { Registry } from '../registry/registry.ts';
import type { Logger } from '../shared/logger.ts';
import type { Acknowledgement, Alert, AlertEvent, AlertRule } from './alert-schemas.ts';
import type { AlertFilter, AlertStore, EventFilter } from './alert-store.ts';
import { createEvaluator, minimumDurationMs, readsReadings, type ConditionContext, type Evaluator, type Observation, type Subject } from './conditions/index.ts';
import { WebhookNotifier, type WebhookOptions, type WebhookTargetStats } from './webhook-notifier.ts';

/** The gateway statuses the cloud tracks (GatewayStatusBoard). */
export interface GatewayStatusFeed {
  /** Calls `listener` with every valid status as it arrives; returns the unsubscribe function. */
  onStatus(listener: (status: GatewayStatus) => void): () => void;
  stats(): { gateways: Record<string, GatewayStatus> };
}

export interface AlertServiceOptions {
  store: AlertStore;
  registry: Registry;
  live: LiveBus;
  /** Where the newest reading of each device is looked up when the engine starts following readings (stale_device). */
  readings?: Pick<ReadingStore, 'latest'>;
  gatewayStatus: GatewayStatusFeed;
  logger: Logger;
  /** How often time-driven conditions (stale device, gateway offline) are judged; default 1000 ms. */
  tickMs?: number;
  webhooks?: WebhookOptions;
  /** Wall clock, for tests. */
  now?: () => number;
}

export interface AlertStats {
  rules: number;
  open: number;
  acknowledged: number;
  /** Transitions since the cloud started. */
  opened: number;
  acknowledgements: number;
  resolved: number;
  /** Alert events that could not be written to the alerts database (they were still notified). */
  write_failures: number;
  /** Per webhook URL: attempts, deliveries, failures, queue. */
  webhooks: Record<string, WebhookTargetStats>;
}

interface AlertServiceEvents {
  /** After the event is recorded (or its recording failed and was counted). */
  alert: [AlertEvent];
}

interface RuleEntry {
  rule: AlertRule;
  evaluator: Evaluator;
  // Map(subject key -> observation time (ms) since which the raise condition holds, while shorter than the minimum duration)
  pending: Map<string, number>;
}

const subjectKey = (s: Subject): string => (s.device !== undefined ? `device:${s.device}` : `gateway:${s.gateway}`);
const alertKey = (rule: string, subject: string): string => `${rule}\u0000${subject}`;
const keyOf = (a: Alert): string => alertKey(a.rule, subjectKey(a.device !== undefined ? { device: a.device } : { gateway: a.gateway! }));
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The alert engine: evaluates the rules against stored readings (LiveBus)
 * and gateway statuses, runs each alert through open → acknowledged →
 * resolved, records every transition and notifies SSE listeners and
 * webhooks.
 *
 * Durations use observation time (a reading's `ts`), so a backfill after an
 * outage is judged as it happened, not as it arrived. Scenario (what-if)
 * readings never raise alerts.
 *
 * Lifecycle: `open()` loads the rules and the unresolved alerts; `start()`
 * subscribes and starts the tick; `stop()` unsubscribes, stops the tick and
 * webhook deliveries, waits for queued writes and closes the store.
 */
export class AlertService extends EventEmitter<AlertServiceEvents> {
  // Map(rule id -> its rule, evaluator and pending conditions)
  private readonly rules = new Map<string, RuleEntry>();
  // Map(rule id + subject key -> alert not yet resolved)
  private readonly unresolved = new Map<string, Alert>();
  // Map(alert id -> unresolved alert as last announced to listeners): what a new SSE client is shown, so it sees each transition once.
  private readonly announced = new Map<string, Alert>();
  private readonly webhooks: WebhookNotifier;
  private readonly ctx: ConditionContext;
  private readonly counts = { opened: 0, acknowledgements: 0, resolved: 0, write_failures: 0 };
  private storeDown = false;
  private tick: NodeJS.Timeout | undefined;
  private started = false;
  private listeningToReadings = false;
  private unsubscribeStatus: (() => void) | undefined;
  // Map(device id -> newest observation time in ms of its real readings)
  private readonly lastObserved = new Map<string, number>();
  private readonly onReading = (r: Reading) => {
    if (r.scenario !== undefined) return;
    this.observed(r);
    this.evaluate((e) => e.evaluator.reading?.(r));
  };

  private constructor(private readonly options: AlertServiceOptions) {
    super();
    this.setMaxListeners(0);
    const { registry } = options;
    this.ctx = {
      devices: () => registry.listDevices(),
      device: (id) => registry.getDevice(id),
      lastObserved: (device) => this.lastObserved.get(device),
      now: options.now ?? Date.now,
    };
    this.webhooks = new WebhookNotifier(options.webhooks ?? {}, options.logger.child({ component: 'alert-webhooks' }));
  }

  static async open(options: AlertServiceOptions): Promise<AlertService> {
    const service = new AlertService(options);
    for (const rule of await options.store.loadRules()) service.install(rule);
    for (const alert of await options.store.loadUnresolved()) {
      service.unresolved.set(keyOf(alert), alert);
      service.announced.set(alert.id, alert);
    }
    return service;
  }

  async start(): Promise<void> {
    this.started = true;
    await this.followReadings();
    this.unsubscribeStatus = this.options.gatewayStatus.onStatus((s) => this.onStatus(s));
    this.tick = setInterval(() => {
      const now = this.ctx.now();
      for (const entry of this.rules.values()) for (const obs of entry.evaluator.tick?.(now) ?? []) this.observe(entry, obs);
    }, this.options.tickMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.followReadings();
    this.unsubscribeStatus?.();
    clearInterval(this.tick);
    this.webhooks.stop();
    await this.options.store.close();
  }

  private observed(r: Reading): void {
    const at = Date.parse(r.ts);
    if (at > (this.lastObserved.get(r.device) ?? -Infinity)) this.lastObserved.set(r.device, at);
  }

  /**
   * Listens to the live bus only while running with a rule that reads
   * readings (nothing is evaluated for nothing). When it starts listening,
   * the newest stored reading of each device is looked up, so a device
   * silent since before then counts as silent.
   */
  private async followReadings(): Promise<void> {
    const wanted = this.started && [...this.rules.values()].some((e) => readsReadings(e.rule));
    if (wanted === this.listeningToReadings) return;
    this.listeningToReadings = wanted;
    if (!wanted) {
      this.options.live.off('reading', this.onReading);
      return;
    }
    // Subscribe first: a reading stored during the look-up is not missed, and observed() keeps the newest either way.
    this.options.live.on('reading', this.onReading);
    try {
      for (const r of (await this.options.readings?.latest()) ?? []) if (r.scenario === undefined) this.observed(r);
    } catch (err) {
      // Without it, devices silent since before now count from the rule's creation instead: later alerts, none lost.
      this.options.logger.warn({ err }, 'alerts: the newest stored readings could not be read; stale_device rules count from now');
    }
  }

  private onStatus(status: GatewayStatus): void {
    const receivedAt = this.ctx.now();
    this.evaluate((e) => e.evaluator.status?.(status, receivedAt));
  }

  private evaluate(run: (entry: RuleEntry) => Observation | undefined): void {
    for (const entry of this.rules.values()) {
      const obs = run(entry);
      if (obs) this.observe(entry, obs);
    }
  }

  /** Minimum duration and hysteresis, the same for every kind. */
  private observe(entry: RuleEntry, obs: Observation): void {
    const key = subjectKey(obs.subject);
    const alert = this.unresolved.get(alertKey(entry.rule.id, key));
    if (alert) {
      if (obs.level === 'clear') this.resolve(alert, obs.at, obs.message, obs.value);
      return;
    }
    if (obs.level !== 'raise') {
      entry.pending.delete(key);
      return;
    }
    const since = obs.since ?? entry.pending.get(key) ?? obs.at;
    entry.pending.set(key, since);
    if (obs.at - since < minimumDurationMs(entry.rule)) return;
    entry.pending.delete(key);
    const rule = entry.rule;
    const opened: Alert = {
      id: randomUUID(),
      rule: rule.id,
      rule_kind: rule.kind,
      severity: rule.severity,
      ...obs.subject,
      ...('quantity' in rule ? { quantity: rule.quantity } : {}),
      state: 'open',
      message: obs.message,
      ...(obs.value !== undefined ? { value: obs.value } : {}),
      opened_at: iso(obs.at),
    };
    this.unresolved.set(alertKey(rule.id, key), opened);
    this.counts.opened++;
    void this.publish({ type: 'opened', at: opened.opened_at, alert: opened });
  }

  private resolve(alert: Alert, at: number, resolution: string, value?: number): void {
    const resolved: Alert = { ...alert, state: 'resolved', resolved_at: iso(at), resolution, ...(value !== undefined ? { resolved_value: value } : {}) };
    this.unresolved.delete(keyOf(alert));
    this.counts.resolved++;
    void this.publish({ type: 'resolved', at: resolved.resolved_at!, alert: resolved });
  }

  /**
   * Records, then notifies SSE listeners and the rule's webhooks (taken now,
   * before a rule being deleted is gone). Never rejects: resolves with the
   * recording failure, if any, which is logged once and counted.
   */
  private async publish(event: AlertEvent): Promise<unknown> {
    const webhooks = this.rules.get(event.alert.rule)?.rule.webhooks ?? [];
    let failure: unknown;
    try {
      await this.options.store.record(event);
      if (this.storeDown) this.options.logger.info('alerts database recovered');
      this.storeDown = false;
    } catch (err) {
      failure = err;
      this.counts.write_failures++;
      if (!this.storeDown) this.options.logger.error({ err }, 'alerts database unavailable: alert events are notified but not recorded');
      this.storeDown = true;
    }
    if (event.alert.state === 'resolved') this.announced.delete(event.alert.id);
    else this.announced.set(event.alert.id, event.alert);
    this.emit('alert', event);
    this.webhooks.notify(webhooks, event);
    return failure;
  }

  private install(rule: AlertRule): void {
    const entry: RuleEntry = { rule, evaluator: createEvaluator(rule, this.ctx), pending: new Map() };
    this.rules.set(rule.id, entry);
    // A new evaluator knows no gateway yet: give it the statuses already received (retained ones included).
    const receivedAt = this.ctx.now();
    if (entry.evaluator.status) {
      for (const status of Object.values(this.options.gatewayStatus.stats().gateways)) {
        const obs = entry.evaluator.status(status, receivedAt);
        if (obs) this.observe(entry, obs);
      }
    }
  }

  private checkScope(rule: AlertRule): void {
    const { registry } = this.options;
    if ('scope' in rule) {
      const scope = rule.scope;
      if (scope.kind === 'device' && !registry.getDevice(scope.device)) throw alertErrors.SCOPE_UNKNOWN({ what: 'device', id: scope.device });
      if (scope.kind === 'building' && !registry.get('buildings', scope.building) && !registry.listDevices().some((d) => d.tags?.building === scope.building)) {
        throw alertErrors.SCOPE_UNKNOWN({ what: 'building', id: scope.building });
      }
    } else if (rule.gateway !== undefined && !registry.getGateway(rule.gateway)) {
      throw alertErrors.SCOPE_UNKNOWN({ what: 'gateway', id: rule.gateway });
    }
  }

  /** Resolves every unresolved alert of a rule that is going away or changing. */
  private resolveAllOf(ruleId: string, resolution: string): void {
    const now = this.ctx.now();
    for (const alert of [...this.unresolved.values()]) if (alert.rule === ruleId) this.resolve(alert, now, resolution);
  }

  listRules(): AlertRule[] {
    return [...this.rules.values()].map((e) => e.rule).sort((a, b) => a.id.localeCompare(b.id));
  }

  getRule(id: string): AlertRule {
    const entry = this.rules.get(id);
    if (!entry) throw alertErrors.RULE_NOT_FOUND({ id });
    return entry.rule;
  }

  async createRule(rule: AlertRule): Promise<AlertRule> {
    if (this.rules.has(rule.id)) throw alertErrors.RULE_EXISTS({ id: rule.id });
    this.checkScope(rule);
    await this.options.store.saveRule(rule);
    this.install(rule);
    await this.followReadings();
    return rule;
  }

  /** Replaces a rule; its unresolved alerts are resolved ("rule changed") and the new rule judges afresh. */
  async replaceRule(id: string, rule: AlertRule): Promise<AlertRule> {
    if (rule.id !== id) throw alertErrors.RULE_ID_MISMATCH({ id, body: rule.id });
    this.getRule(id);
    this.checkScope(rule);
    await this.options.store.saveRule(rule);
    this.resolveAllOf(id, 'rule changed');
    this.install(rule);
    await this.followReadings();
    return rule;
  }

  /** Deletes a rule; its unresolved alerts are resolved ("rule deleted"); their history stays. */
  async deleteRule(id: string): Promise<void> {
    this.getRule(id);
    await this.options.store.deleteRule(id);
    this.resolveAllOf(id, 'rule deleted');
    this.rules.delete(id);
    await this.followReadings();
  }

  listAlerts(filter: AlertFilter): Promise<Alert[]> {
    return this.options.store.listAlerts(filter);
  }

  /** Alerts not yet resolved, as of the last `alert` event emitted (so listeners added now miss nothing and see nothing twice). */
  unresolvedAlerts(): Alert[] {
    return [...this.announced.values()];
  }

  async getAlert(id: string): Promise<{ alert: Alert; events: AlertEvent[] }> {
    const alert = await this.options.store.getAlert(id);
    if (!alert) throw alertErrors.ALERT_NOT_FOUND({ id });
    return { alert, events: await this.options.store.events({ alert: id, limit: 10_000 }) };
  }

  events(filter: EventFilter): Promise<AlertEvent[]> {
    return this.options.store.events(filter);
  }

  /** open/acknowledged → acknowledged (again: a new note, a new person). Resolves once recorded. */
  async acknowledge(id: string, ack: Acknowledgement): Promise<Alert> {
    const alert = [...this.unresolved.values()].find((a) => a.id === id);
    if (!alert) {
      const stored = await this.options.store.getAlert(id);
      if (!stored) throw alertErrors.ALERT_NOT_FOUND({ id });
      throw alertErrors.ALREADY_RESOLVED({ id, resolved_at: stored.resolved_at ?? '?' });
    }
    const at = iso(this.ctx.now());
    const acknowledged: Alert = { ...alert, state: 'acknowledged', acknowledged_at: at, acknowledged_by: ack.by, ...(ack.note !== undefined ? { note: ack.note } : {}) };
    this.unresolved.set(keyOf(alert), acknowledged);
    this.counts.acknowledgements++;
    const failure = await this.publish({ type: 'acknowledged', at, alert: acknowledged });
    if (failure !== undefined) throw failure;
    return acknowledged;
  }

  stats(): AlertStats {
    const unresolved = [...this.unresolved.values()];
    return {
      rules: this.rules.size,
      open: unresolved.filter((a) => a.state === 'open').length,
      acknowledged: unresolved.filter((a) => a.state === 'acknowledged').length,
      ...this.counts,
      webhooks: this.webhooks.stats(),
    };
  }
}
