/**
 * `npm start` / `zenne-demo`: checks the flags, then runs ./run-demo.ts in a
 * process group of its own and forwards one stop signal to it.
 *
 * Why two processes: a Ctrl-C in a terminal signals the whole foreground
 * process group. The socat processes behind the virtual sensors' ptys would
 * die at once, before the agents reading them are stopped. In its own group,
 * the demo stops agents, sensors, socat and cloud in that order.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { demoOptionsOrExit } from './demo-args.ts';
import { onStopSignals } from './signals.ts';

const argv = process.argv.slice(2);
demoOptionsOrExit(argv);

const runner = fileURLToPath(new URL('./run-demo.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), runner, ...argv], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  detached: true,
});
// A second signal after the window makes run-demo.ts kill what is left.
onStopSignals(
  () => child.kill('SIGTERM'),
  () => child.kill('SIGTERM'),
);
child.once('error', (err) => {
  process.stderr.write(`cannot start the demo: ${err.message}\n`);
  process.exit(1);
});
child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
