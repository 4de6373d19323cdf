import type { DemoReporter } from './start-demo.ts';

/** Without a terminal, one progress line every 2 s is enough for a log. */
const PLAIN_PROGRESS_INTERVAL_MS = 2_000;

/**
 * The demo's console: steps as bullets, external output indented, progress
 * rewritten in place on a terminal, warnings on stderr.
 */
export function consoleReporter(): DemoReporter & { endProgress(): void } {
  const tty = process.stdout.isTTY === true;
  let progressShown = false;
  let lastProgressAt = 0;
  const endProgress = () => {
    if (progressShown) process.stdout.write('\n');
    progressShown = false;
  };
  return {
    endProgress,
    step: (line) => {
      endProgress();
      process.stdout.write(`• ${line}\n`);
    },
    detail: (line) => {
      endProgress();
      process.stdout.write(`    ${line}\n`);
    },
    progress: (line) => {
      if (tty) {
        process.stdout.write(`\r\x1b[2K  ${line}`);
        progressShown = true;
      } else if (Date.now() - lastProgressAt > PLAIN_PROGRESS_INTERVAL_MS) {
        process.stdout.write(`  ${line}\n`);
        lastProgressAt = Date.now();
      }
    },
    warn: (line) => {
      endProgress();
      process.stderr.write(`! ${line}\n`);
    },
  };
}
