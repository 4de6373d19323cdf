import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';

/**
 * Opens the device's end of a pty pair as a serial port at `baudRate` (the
 * termios setting a real UART would have; a pty ignores it but a wrong one
 * is still caught by the agent's own open).
 * Resolves with the open port; `closeSerialLink()` closes it.
 */
export function openSerialLink(path: string, baudRate: number): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding: autoDetect(), path, baudRate }, (err) => (err ? reject(err) : resolve(port)));
  });
}

/** Closes a port opened by `openSerialLink()`; resolves when it is closed (also if it already was). */
export function closeSerialLink(port: SerialPortStream): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}
