import {
  AttributeIds,
  ClientSubscription,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientMonitoredItemBase,
  type ClientSession,
  type DataValue,
  type OPCUAClientOptions,
  type UserIdentityInfo,
} from 'node-opcua';
import { REASON_SEVERITY, type Quality, type ReadingDraft } from '@zenne/device-profiles';
import { createBackoff } from '../../backoff.ts';
import { agentErrors } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ReadingSink, Source, SourceStats } from '../source.ts';
import type { SourceContext } from '../source-kind.ts';
import { SourceStatsTracker } from '../source-stats.ts';
import type { OpcuaSourceConfig } from './config.ts';
import { isBadStatus, numberOf, qualityOfStatus } from './data-value.ts';
import { resolvePoints, type MonitoredPoint } from './points.ts';

const RETRY_INITIAL_MS = 500;
// A BMS restart takes tens of seconds; polling faster than every 10 s only fills its log.
const RETRY_MAX_MS = 10_000;
// Part 4 §5.13.1.1: the lifetime count must be at least three times the keep-alive count.
const MAX_KEEP_ALIVE_COUNT = 10;
const LIFETIME_COUNT = 60;
// Values a server may queue per item between two publish cycles before dropping the oldest.
const QUEUE_SIZE = 10;
const SESSION_CLOSE_TIMEOUT_MS = 2_000;

/** Waits for `work`, but no longer than `ms`. */
async function bounded(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

const QUALITY_ORDER: readonly Quality[] = ['good', 'suspect', 'bad'];
function worse(a: Quality, b: Quality): Quality {
  return QUALITY_ORDER[Math.max(QUALITY_ORDER.indexOf(a), QUALITY_ORDER.indexOf(b))]!;
}

/** A period without data: from the last value before a connection loss to the first value after it. */
export interface DataGap {
  from: string;
  to: string;
  duration_ms: number;
}

interface Outage {
  /** Arrival time of the last value before the loss (the loss itself when no value had come yet). */
  lastValueAt: Date;
  /** Set once the client is connected again; the gap is reported with the first value after it. */
  reconnected: boolean;
}

/**
 * Many devices behind one OPC UA server (a building management system, a
 * PLC): each configured node is a monitored item of one subscription, each
 * data change becomes one canonical reading of the node's device through the
 * device profile's channel (unit conversion, range checks), its quality the
 * worse of the profile's verdict and the StatusCode's.
 *
 * Lifecycle as in ../source.ts. Reconnection: node-opcua's client reconnects
 * the secure channel with backoff (`connectionStrategy`, endless) and repairs
 * the session: it reactivates it, or creates a new one and transfers or
 * re-creates the subscription with its monitored items. After every
 * reconnection this source checks that the subscription and every item are
 * alive on the server; when node-opcua could not restore them (the restart
 * dropped them and re-creation failed), when the server ends the
 * subscription (BadTimeout), or when nothing, not even a keep-alive, came for
 * three keep-alive periods (the server closed the session), it creates the
 * session, subscription and items itself.
 * Each outage is logged once when it starts and once, with the data gap,
 * when the first value arrives after it.
 */
export class OpcuaSource implements Source {
  readonly kind = 'opcua';
  readonly id: string;
  /** A multi-device source has no device of its own: stats carry the source id, readings their item's device. */
  readonly device: string;
  private readonly log: Logger;
  private readonly tracker: SourceStatsTracker;
  private readonly backoff = createBackoff({ initialMs: RETRY_INITIAL_MS, maxMs: RETRY_MAX_MS });
  private readonly now: () => Date;
  private sink: ReadingSink | undefined;
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: ClientSubscription | undefined;
  private points: MonitoredPoint[] = [];
  private monitored: ClientMonitoredItemBase[] = [];
  // Indexes of the items the server accepted when they were created.
  private accepted = new Set<number>();
  // Data changes are delivered one after the other, in notification order.
  private delivery: Promise<void> = Promise.resolve();
  private building: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private verifyTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  // Last data change or keep-alive of the subscription (Date.now()).
  private lastActivityAt = 0;
  private lastValueAt: Date | undefined;
  private outage: Outage | undefined;
  private readonly gaps: DataGap[] = [];
  // Items (by index) that delivered since the last reconnection, to log once when all are back.
  private restored = new Set<number>();
  private unavailableLogged = false;
  private sinkFailing = false;
  private stopping: Promise<void> | undefined;
  // "node_id: kind" already logged, so a bad item warns once, not at every change.
  private readonly logged = new Set<string>();

  constructor(
    private readonly config: OpcuaSourceConfig,
    private readonly context: SourceContext,
  ) {
    this.id = config.id;
    this.device = config.id;
    this.now = context.now ?? (() => new Date());
    this.log = context.logger.child({ source: config.id, endpoint: config.endpoint });
    this.tracker = new SourceStatsTracker({ id: config.id, kind: this.kind, device: this.device });
  }

  /** Resolves every device's profile and node fields; opens nothing. */
  async init(): Promise<void> {
    this.points = resolvePoints(this.config);
  }

  async start(sink: ReadingSink): Promise<void> {
    if (this.points.length === 0) await this.init();
    if (this.sink || this.stopping) return;
    this.sink = sink;
    this.tracker.state = 'connecting';
    this.connect();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  stats(): SourceStats {
    return this.tracker.snapshot({});
  }

  /** Every data gap reported so far (oldest first); each is also logged once and counted as a `gap` error. */
  dataGaps(): readonly DataGap[] {
    return this.gaps;
  }

  private clientOptions(): OPCUAClientOptions {
    const c = this.config;
    return {
      applicationName: 'zenne-agent',
      endpointMustExist: false,
      keepSessionAlive: true,
      // Endless retries with backoff: the source never gives up on its server (maxRetry -1).
      connectionStrategy: { maxRetry: -1, initialDelay: RETRY_INITIAL_MS, maxDelay: RETRY_MAX_MS },
      securityMode: MessageSecurityMode[c.security_mode],
      securityPolicy: SecurityPolicy[c.security_policy],
      ...(c.security_mode !== 'None' && {
        certificateFile: c.certificate_file,
        privateKeyFile: c.private_key_file,
        clientCertificateManager: new OPCUACertificateManager({
          rootFolder: c.pki_dir,
          automaticallyAcceptUnknownCertificate: false,
        }),
      }),
    };
  }

  private identity(): UserIdentityInfo {
    const { username, password } = this.config;
    return username !== undefined
      ? { type: UserTokenType.UserName, userName: username, password: password ?? '' }
      : { type: UserTokenType.Anonymous };
  }

  private connect(): void {
    const client = OPCUAClient.create(this.clientOptions());
    this.client = client;
    client.on('backoff', (attempt: number) => this.unavailable(new Error(`no answer (attempt ${attempt + 1})`)));
    client.on('connection_lost', () => this.unavailable(new Error('connection lost')));
    client.on('after_reconnection', () => this.reconnected());
    client
      .connect(this.config.endpoint)
      .then(() => this.build())
      .catch((err: unknown) => {
        if (this.stopping) return;
        // connect() only gives up on errors retrying cannot fix (bad endpoint, certificate): start over later.
        this.unavailable(err instanceof Error ? err : new Error(String(err)));
        void client.disconnect().catch(() => undefined);
        this.retryTimer = setTimeout(() => !this.stopping && this.connect(), this.backoff.next());
      });
  }

  /** Creates the session, the subscription and every monitored item; when that fails, retries with backoff. */
  private build(): Promise<void> {
    this.building ??= this.createAll()
      .catch((cause: unknown) => this.buildFailed(cause))
      .finally(() => (this.building = undefined));
    return this.building;
  }

  private buildFailed(cause: unknown): void {
    if (this.stopping) return;
    const error = agentErrors.OPCUA_SESSION_FAILED(
      { endpoint: this.config.endpoint, source: this.id, reason: cause instanceof Error ? cause.message : String(cause) },
      { cause },
    );
    this.tracker.state = 'unavailable';
    this.tracker.recordError('session', error.message);
    this.logOnce(`session:${error.message}`, () => this.log.error({ code: error.code, hint: error.hint }, error.message));
    this.retryTimer = setTimeout(() => !this.stopping && void this.build(), this.backoff.next());
  }

  private async createAll(): Promise<void> {
    const client = this.client!;
    await this.dropSession();
    if (this.stopping) return;
    const session = await client.createSession(this.identity());
    if (this.stopping) {
      await session.close().catch(() => undefined);
      return;
    }
    this.session = session;
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: this.config.publishing_interval_ms,
      requestedMaxKeepAliveCount: MAX_KEEP_ALIVE_COUNT,
      requestedLifetimeCount: LIFETIME_COUNT,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    this.subscription = subscription;
    subscription.on('terminated', () => {
      // A subscription we did not end: the server timed it out (StatusChangeNotification BadTimeout), and node-opcua does not re-create it.
      if (!this.stopping && this.subscription === subscription) void this.recreate('the server ended the subscription');
    });
    subscription.on('keepalive', () => (this.lastActivityAt = Date.now()));
    this.lastActivityAt = Date.now();
    this.watchdog ??= setInterval(() => this.checkActivity(), this.keepAliveMs());
    this.monitored = await Promise.all(this.points.map((point, index) => this.monitor(subscription, point, index)));
    this.accepted = new Set(this.monitored.flatMap((m, i) => (m.statusCode.isGood() ? [i] : [])));
    this.backoff.reset();
    this.markRunning();
  }

  private async monitor(subscription: ClientSubscription, point: MonitoredPoint, index: number): Promise<ClientMonitoredItemBase> {
    const monitoredItem = await subscription.monitor(
      { nodeId: point.node_id, attributeId: AttributeIds.Value },
      {
        samplingInterval: point.sampling_interval_ms,
        discardOldest: true,
        queueSize: QUEUE_SIZE,
      },
      TimestampsToReturn.Both,
    );
    monitoredItem.on('changed', (dataValue: DataValue) => {
      if (this.stopping) return;
      this.lastActivityAt = Date.now();
      this.delivery = this.delivery.then(() => this.deliver(point, index, dataValue));
    });
    if (!monitoredItem.statusCode.isGood()) this.itemRejected(point, monitoredItem.statusCode.toString());
    return monitoredItem;
  }

  private itemRejected(item: MonitoredPoint, status: string): void {
    const error = agentErrors.OPCUA_ITEM_REJECTED({
      endpoint: this.config.endpoint,
      node_id: item.node_id,
      device: item.device,
      quantity: item.quantity,
      source: this.id,
      status,
    });
    this.tracker.recordError('item_rejected', error.message);
    this.logOnce(`${item.node_id}:rejected`, () => this.log.warn({ code: error.code, hint: error.hint, device: item.device }, error.message));
  }

  private markRunning(): void {
    this.tracker.state = 'running';
    if (this.unavailableLogged) {
      this.unavailableLogged = false;
      this.log.info({ items: this.points.length }, 'OPC UA server recovered');
    } else {
      this.log.info({ items: this.points.length, publishing_interval_ms: this.config.publishing_interval_ms }, 'OPC UA subscription running');
    }
  }

  private unavailable(cause: Error): void {
    if (this.stopping) return;
    this.tracker.state = 'unavailable';
    if (!this.outage) {
      this.outage = { lastValueAt: this.lastValueAt ?? this.now(), reconnected: false };
      this.restored = new Set();
    }
    const error = agentErrors.OPCUA_UNAVAILABLE({ endpoint: this.config.endpoint, source: this.id, reason: cause.message }, { cause });
    this.tracker.recordError('connection', error.message);
    if (!this.unavailableLogged) {
      this.unavailableLogged = true;
      this.log.warn({ code: error.code, hint: error.hint }, error.message);
    }
  }

  /** node-opcua has reconnected and tried to repair the session; check what it restored. */
  private reconnected(): void {
    if (this.stopping) return;
    if (this.outage) this.outage.reconnected = true;
    // Silence is counted from here: the outage itself is not the server forgetting us.
    this.lastActivityAt = Date.now();
    // The repair (transfer or re-creation of the subscription) completes after this event; give it a few cycles.
    this.scheduleVerify(Math.max(3 * this.config.publishing_interval_ms, 2_000));
  }

  private scheduleVerify(delayMs: number): void {
    clearTimeout(this.verifyTimer);
    this.verifyTimer = setTimeout(() => void this.verify(), delayMs);
  }

  /** Re-creates session, subscription and items when the subscription or any item is not alive on the server. */
  private async verify(): Promise<void> {
    if (this.stopping || this.building) return;
    const subscription = this.subscription;
    const alive =
      this.client?.isReconnecting === false &&
      subscription !== undefined &&
      subscription.isActive &&
      this.monitored.length === this.points.length &&
      // Items the server refused at creation stay refused (counted once); the others must be back.
      this.monitored.every((m, i) => !this.accepted.has(i) || (m.monitoredItemId !== undefined && m.statusCode.isGood()));
    if (alive) {
      if (this.tracker.state !== 'running') this.markRunning();
      return;
    }
    if (this.client?.isReconnecting) {
      this.scheduleVerify(Math.max(3 * this.config.publishing_interval_ms, 2_000));
      return;
    }
    await this.recreate('the server lost the subscription and it was not restored on reconnection');
  }

  /** Part 4 §5.13.1.1: a live subscription publishes at least every MaxKeepAliveCount publishing intervals. */
  private keepAliveMs(): number {
    return MAX_KEEP_ALIVE_COUNT * this.config.publishing_interval_ms;
  }

  /**
   * A session or subscription the server dropped while the connection stayed
   * up (session closed by the server, publish requests refused) sends nothing,
   * not even keep-alives: after three keep-alive periods of silence, re-create.
   */
  private checkActivity(): void {
    if (this.stopping || this.building || this.client?.isReconnecting !== false || !this.subscription) return;
    const silentMs = Date.now() - this.lastActivityAt;
    if (silentMs > 3 * this.keepAliveMs()) void this.recreate(`no data and no keep-alive for ${Math.round(silentMs / 1000)} s`);
  }

  /** Opens an outage (reported as a gap with the next value) and creates session, subscription and items anew. */
  private async recreate(reason: string): Promise<void> {
    this.unavailable(new Error(reason));
    this.log.info({ reason }, 'creating the OPC UA session and subscription again');
    await this.build();
    if (this.outage && this.subscription) this.outage.reconnected = true;
  }

  /** Closes the current session (and with it the subscription), ignoring a server that no longer knows it. */
  private async dropSession(): Promise<void> {
    const session = this.session;
    const subscription = this.subscription;
    this.session = undefined;
    this.subscription = undefined;
    this.monitored = [];
    // Ending the subscription first keeps node-opcua from handling a late publish response on a closed session.
    await subscription?.terminate().catch(() => undefined);
    if (session) await session.close(true).catch(() => undefined);
  }

  private async deliver(item: MonitoredPoint, index: number, dataValue: DataValue): Promise<void> {
    const arrived = this.now();
    const status = dataValue.statusCode;
    const found = numberOf(dataValue);
    if ('missing' in found) {
      if (found.missing === 'absent' && isBadStatus(status)) {
        // Bad without a value (BadWaitingForInitialData, BadCommunicationError ...): nothing to store, but counted.
        this.tracker.recordError('bad_status', `${item.node_id} (${item.device}/${item.quantity}): ${status.name}`);
      } else {
        const error = agentErrors.OPCUA_VALUE_NOT_NUMERIC({
          node_id: item.node_id,
          device: item.device,
          quantity: item.quantity,
          source: this.id,
          type: found.type,
        });
        this.tracker.recordError('not_numeric', error.message);
        this.logOnce(`${item.node_id}:not_numeric`, () => this.log.warn({ code: error.code, hint: error.hint }, error.message));
      }
      return;
    }
    this.valueArrived(index, arrived);
    const fromStatus = qualityOfStatus(status);
    if (fromStatus.quality !== 'good') this.tracker.recordProblem(status.name, `${item.node_id} (${item.device}/${item.quantity}): ${status.name}`);
    const observed = dataValue.sourceTimestamp ?? dataValue.serverTimestamp;
    // The server's source timestamp is the observation time; a server that sends none gets the arrival time.
    const ts = observed && observed.getTime() > 0 ? observed : arrived;
    const { readings, problems } = item.normaliser.normalise({ fields: { [item.field]: found.value }, ts });
    for (const problem of problems) this.tracker.recordProblem(problem.code, problem.message);
    const normalised = readings[0];
    if (!normalised) return;
    const quality = worse(normalised.quality, fromStatus.quality);
    const reasons = REASON_SEVERITY.filter((r) => fromStatus.reasons.includes(r) || (normalised.reasons ?? []).includes(r));
    const { reasons: _, ...rest } = normalised;
    const reading: ReadingDraft = { ...rest, quality, ...(reasons.length > 0 && { reasons }) };
    this.tracker.recordFrame(1);
    if (!this.sink) return;
    try {
      await this.sink([reading]);
      if (this.sinkFailing) {
        this.sinkFailing = false;
        this.log.info('buffering recovered');
      }
    } catch (cause) {
      const error = agentErrors.SOURCE_SINK_FAILED({ source: this.id, reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
      this.tracker.recordError('sink', error.message);
      if (!this.sinkFailing) {
        this.sinkFailing = true;
        this.log.error({ code: error.code, hint: error.hint }, error.message);
      }
    }
  }

  /** Closes an outage with its data gap at the first value after reconnection; logs once when every item is back. */
  private valueArrived(index: number, at: Date): void {
    this.lastValueAt = at;
    const outage = this.outage;
    if (outage?.reconnected) {
      this.outage = undefined;
      const gap: DataGap = {
        from: outage.lastValueAt.toISOString(),
        to: at.toISOString(),
        duration_ms: at.getTime() - outage.lastValueAt.getTime(),
      };
      this.gaps.push(gap);
      const message = `no data from ${gap.from} to ${gap.to} (${(gap.duration_ms / 1000).toFixed(1)} s): connection to ${this.config.endpoint} lost and restored`;
      this.tracker.recordError('gap', message);
      this.log.warn({ gap_from: gap.from, gap_to: gap.to, gap_ms: gap.duration_ms }, 'OPC UA data gap');
      if (this.tracker.state !== 'running') this.markRunning();
    }
    if (this.restored.size < this.points.length && !this.restored.has(index)) {
      this.restored.add(index);
      if (this.restored.size === this.points.length && this.gaps.length > 0) {
        this.log.info({ items: this.restored.size }, 'every monitored item delivers again');
      }
    }
  }

  private logOnce(key: string, write: () => void): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    write();
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    clearTimeout(this.verifyTimer);
    clearInterval(this.watchdog);
    const client = this.client;
    this.client = undefined;
    // Closing the session politely frees it on the server at once; an unreachable server must not hold stop() up.
    await bounded(this.dropSession(), SESSION_CLOSE_TIMEOUT_MS);
    await client?.disconnect().catch(() => undefined);
    await this.building?.catch(() => undefined);
    await this.delivery;
    this.sink = undefined;
    this.tracker.state = 'stopped';
  }
}
