import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { getProfile, listProfileIds } from '@zenne/device-profiles';
import { bridges, type Bridge, type FrameParser } from '@zenne/firmware-bridges';

/** Baud rates tried after the datasheet rate, most common first. */
export const COMMON_BAUD_RATES = [9600, 2400, 4800, 19200, 38400, 57600, 115200] as const;

/** How one bridge's parser fared on the bytes of one probe. */
export interface BridgeTally {
  bridge: string;
  frames: number;
  bad_checksum: number;
  /** Frames of this bridge that failed other checks (tail, length, cut short). */
  malformed: number;
}

export interface ProbeAttempt {
  baud_rate: number;
  bytes: number;
  tallies: BridgeTally[];
}

export type ProbeVerdict =
  | {
      kind: 'found';
      bridge: string;
      profiles: string[];
      baud_rate: number;
      frames: number;
      bad_checksum: number;
      /** Other bridges that decoded as many frames: devices whose frames look the same on the wire (MH-Z19B and ZE03 answers). */
      alike: { bridge: string; profiles: string[] }[];
    }
  | { kind: 'silent' }
  | { kind: 'garbage' }
  | { kind: 'unopenable'; reason: string };

export interface ProbeResult {
  port: string;
  verdict: ProbeVerdict;
  attempts: ProbeAttempt[];
}

/** Bridges of devices that sit directly on a serial port (the profiles' transport `serial`), with those profiles. */
export function serialBridges(): { bridge: Bridge; profiles: string[] }[] {
  const serialProfiles = listProfileIds().map(getProfile).filter((p) => p.transport === 'serial');
  return Object.values(bridges as Record<string, Bridge>)
    .map((bridge) => ({ bridge, profiles: serialProfiles.filter((p) => p.bridge === bridge.id).map((p) => p.id) }))
    .filter((entry) => entry.profiles.length > 0);
}

/**
 * Listens on `port` at each baud rate in turn with every serial bridge's parser
 * on the same bytes; polled bridges (MH-Z19B) get their poll command once a
 * second. Stops at the first rate where a parser decodes a frame. Rates after
 * the first are only tried when bytes came but no parser recognised them (the
 * signature of a wrong baud rate); silence at the datasheet rate ends the probe.
 */
export async function probeSerialPort(
  port: string,
  options: { seconds: number; baudRates?: readonly number[]; onAttempt?: (baud: number) => void },
): Promise<ProbeResult> {
  const rates = options.baudRates ?? COMMON_BAUD_RATES;
  const attempts: ProbeAttempt[] = [];
  for (const baud of rates) {
    options.onAttempt?.(baud);
    let attempt: ProbeAttempt;
    try {
      attempt = await listen(port, baud, options.seconds * 1000);
    } catch (err) {
      return { port, verdict: { kind: 'unopenable', reason: (err as Error).message }, attempts };
    }
    attempts.push(attempt);
    const ranked = attempt.tallies.filter((t) => t.frames > 0).sort((a, b) => b.frames - a.frames);
    const best = ranked[0];
    if (best) {
      const profilesOf = (bridge: string) => serialBridges().find((e) => e.bridge.id === bridge)?.profiles ?? [];
      const alike = ranked.slice(1).filter((t) => t.frames === best.frames).map((t) => ({ bridge: t.bridge, profiles: profilesOf(t.bridge) }));
      return {
        port,
        verdict: { kind: 'found', bridge: best.bridge, profiles: profilesOf(best.bridge), baud_rate: baud, frames: best.frames, bad_checksum: best.bad_checksum, alike },
        attempts,
      };
    }
    if (attempt.bytes === 0) return { port, verdict: { kind: 'silent' }, attempts };
  }
  return { port, verdict: { kind: 'garbage' }, attempts };
}

function listen(path: string, baudRate: number, durationMs: number): Promise<ProbeAttempt> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding: autoDetect(), path, baudRate, autoOpen: false });
    port.open((err) => {
      if (err) {
        reject(err);
        return;
      }
      const entries = serialBridges().map(({ bridge }) => ({ bridge, parser: bridge.createParser() as FrameParser }));
      let bytes = 0;
      for (const { parser } of entries) parser.on('data', () => undefined);
      port.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (const { parser } of entries) parser.write(chunk);
      });
      port.on('error', () => undefined);
      const polled = entries.flatMap(({ bridge }) => (bridge.pollCommand ? [bridge.pollCommand.bind(bridge)] : []));
      const poll = () => {
        for (const command of polled) if (port.isOpen) port.write(command());
      };
      poll();
      const pollTimer = setInterval(poll, 1000);
      setTimeout(() => {
        clearInterval(pollTimer);
        const tallies = entries.map(({ bridge, parser }) => ({
          bridge: bridge.id,
          frames: parser.counters.frames,
          bad_checksum: parser.counters.bad_checksum,
          malformed: parser.counters.bad_tail + parser.counters.bad_length + parser.counters.truncated,
        }));
        for (const { parser } of entries) parser.destroy();
        const done = () => resolve({ baud_rate: baudRate, bytes, tallies });
        if (port.isOpen) port.close(() => done());
        else done();
      }, durationMs);
    });
  });
}
