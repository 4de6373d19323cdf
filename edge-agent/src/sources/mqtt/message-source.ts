import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { createNormaliser, type DecodedFrame, type DeviceProfile, type Normaliser, type ZenneError } from '@zenne/device-profiles';
import { agentErrors } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ReadingSink, Source, SourceStats } from '../source.ts';
import type { SourceContext } from '../source-kind.ts';
import { SourceStatsTracker } from '../source-stats.ts';
import type { BrokerOptions } from './broker-config.ts';

// mqtt.js retries at this fixed period; a broker on the gateway's LAN is back within seconds.
const RECONNECT_MS = 1_000;

/** One decoded frame of one device, with the profile that normalises it. */
export interface DeviceFrame {
  device: string;
  profile: DeviceProfile;
  frame: DecodedFrame;
}

/** Why (part of) a message was not used: `kind` is the stats counter, `error` the message for the technician. */
export interface MessageRejection {
  kind: string;
  error: ZenneError;
}

/** What a decoder makes of one message: frames to normalise, and what it could not use. */
export interface DecodedMessage {
  frames: DeviceFrame[];
  rejections: MessageRejection[];
}

/**
 * Turns the messages of one kind of publisher into frames. `init()` of the
 * source builds it (resolving profiles and codecs) and throws when the
 * configuration cannot work; `decode` never throws.
 */
export interface MessageDecoder {
  /** MQTT topic filters to subscribe to, QoS 1. */
  readonly filters: readonly string[];
  decode(topic: string, payload: Buffer, receivedAt: Date): DecodedMessage;
}

export interface MessageSourceOptions {
  id: string;
  kind: string;
  broker: BrokerOptions;
  /** Builds the decoder; called by init(), may throw a ZenneError. */
  createDecoder(): MessageDecoder;
}

/**
 * A source that subscribes to topics on a broker on the gateway's LAN and
 * serves many devices: every reading carries its own device; `device` of the
 * source (and of its stats) is the source id.
 *
 * Messages are handled one at a time in arrival order through mqtt.js's
 * `handleMessage` hook, and a QoS 1 message is acknowledged to the broker
 * only after its readings are in the sink (the durable buffer): with a
 * persistent session a message the agent had not stored when it stopped or
 * crashed is delivered again.
 *
 * A message the decoder rejects is counted by kind and logged once per kind;
 * the broker being unreachable is logged once per outage and once on recovery.
 */
export class MessageSource implements Source {
  readonly id: string;
  readonly kind: string;
  readonly device: string;
  private readonly log: Logger;
  private readonly tracker: SourceStatsTracker;
  private decoder: MessageDecoder | undefined;
  private client: MqttClient | undefined;
  private sink: ReadingSink | undefined;
  // Map(device -> normaliser): jump and stuck-value history is per device.
  private readonly normalisers = new Map<string, Normaliser>();
  private delivery: Promise<void> = Promise.resolve();
  private unavailableSince: string | undefined;
  private sinkFailing = false;
  private stopping: Promise<void> | undefined;
  private readonly loggedKinds = new Set<string>();

  constructor(
    private readonly options: MessageSourceOptions,
    private readonly context: SourceContext,
  ) {
    this.id = options.id;
    this.kind = options.kind;
    this.device = options.id;
    this.log = context.logger.child({ source: options.id, broker: options.broker.url });
    this.tracker = new SourceStatsTracker({ id: options.id, kind: options.kind, device: options.id }, context.now);
  }

  async init(): Promise<void> {
    this.decoder ??= this.options.createDecoder();
  }

  async start(sink: ReadingSink): Promise<void> {
    await this.init();
    if (this.sink || this.stopping) return;
    this.sink = sink;
    this.tracker.state = 'connecting';
    const { broker } = this.options;
    const client = mqtt.connect(broker.url, {
      clientId: broker.client_id ?? `zenne-${this.id}`,
      clean: broker.clean_session,
      ...(broker.username === undefined ? {} : { username: broker.username }),
      ...(broker.password === undefined ? {} : { password: broker.password }),
      reconnectPeriod: RECONNECT_MS,
      connectTimeout: 5_000,
      resubscribe: false,
    });
    this.client = client;
    client.handleMessage = (packet, done) => {
      const handled = this.delivery.then(() => this.onMessage(packet));
      this.delivery = handled.then(
        () => undefined,
        () => undefined,
      );
      // Not acknowledged when the source stopped first: the broker delivers it again next time.
      handled.then(
        (ack) => ack && done(),
        (err: unknown) => {
          // A bug, not bad input; counted and acknowledged so one message cannot stall the flow.
          this.tracker.recordError('internal', err instanceof Error ? err.message : String(err));
          this.log.error({ err, topic: packet.topic }, 'message handling failed');
          done();
        },
      );
    };
    client.on('connect', () => void this.subscribe(client));
    client.on('error', (err) => this.unavailable(err.message));
    client.on('close', () => {
      if (!this.stopping && this.tracker.state !== 'unavailable') this.unavailable('connection closed');
    });
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  stats(): SourceStats {
    return this.tracker.snapshot({});
  }

  private async subscribe(client: MqttClient): Promise<void> {
    try {
      const granted = await client.subscribeAsync([...this.decoder!.filters], { qos: 1 });
      // SUBACK return code 0x80 (MQTT 3.1.1 §3.9.3): the broker's ACL refused that filter.
      const refused = granted.filter((g) => g.qos === 0x80).map((g) => g.topic);
      if (refused.length > 0) throw new Error(`the broker refused ${refused.join(', ')} (check its ACL for this user)`);
    } catch (err) {
      this.unavailable(`subscription failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (this.stopping) return;
    this.tracker.state = 'running';
    if (this.unavailableSince !== undefined) {
      this.log.info({ since: this.unavailableSince }, 'local MQTT broker recovered');
      this.unavailableSince = undefined;
    } else {
      this.log.info({ topics: this.decoder!.filters }, 'subscribed on the local MQTT broker');
    }
  }

  private unavailable(reason: string): void {
    if (this.stopping) return;
    this.tracker.state = 'unavailable';
    const error = agentErrors.MQTT_BROKER_UNAVAILABLE({ url: this.options.broker.url, source: this.id, reason });
    this.tracker.recordError('broker', error.message);
    if (this.unavailableSince === undefined) {
      this.unavailableSince = new Date().toISOString();
      this.log.warn({ code: error.code, hint: error.hint }, error.message);
    }
  }

  /** Resolves true when the message is dealt with (stored or rejected) and may be acknowledged. */
  private async onMessage(packet: IPublishPacket): Promise<boolean> {
    if (this.stopping || !this.sink) return false;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
    const { frames, rejections } = this.decoder!.decode(packet.topic, payload, this.context.now?.() ?? new Date());
    for (const { kind, error } of rejections) {
      this.tracker.recordError(kind, error.message);
      this.logOnce(`error:${kind}`, () => this.log.warn({ code: error.code, kind, topic: packet.topic, hint: error.hint }, error.message));
    }
    for (const { device, profile, frame } of frames) {
      let normaliser = this.normalisers.get(device);
      if (!normaliser) {
        normaliser = createNormaliser(profile, { device });
        this.normalisers.set(device, normaliser);
      }
      const { readings, problems } = normaliser.normalise(frame);
      for (const problem of problems) {
        this.tracker.recordProblem(problem.code, problem.message);
        this.logOnce(`problem:${problem.code}`, () => this.log.warn({ code: problem.code, hint: problem.hint, device }, problem.message));
      }
      this.tracker.recordFrame(readings.length);
      if (readings.length > 0) await this.deliver(readings);
    }
    return true;
  }

  private async deliver(readings: Parameters<ReadingSink>[0]): Promise<void> {
    try {
      await this.sink!(readings);
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

  private logOnce(key: string, log: () => void): void {
    if (this.loggedKinds.has(key)) return;
    this.loggedKinds.add(key);
    log();
  }

  private async shutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await this.delivery;
    this.sink = undefined;
    // A message that arrived after stop() is never acknowledged: it stays with the broker's session.
    if (client) await client.endAsync();
    this.tracker.state = 'stopped';
  }
}
