import type { Command } from 'commander';
import { DemoInterrupted, runDemo } from '../demo/run-demo.js';
import { styleForStdout } from './style.js';

interface DemoCliOptions {
  fast?: boolean;
  prometheus: boolean;
  color: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'The whole story in about two minutes, no cluster needed: a bad release rolled back by its analysis, a good one promoted',
    )
    .option('--fast', 'shorter pauses and measurement intervals, the same story (for CI; under a minute)')
    .option(
      '--no-prometheus',
      'use the built-in metric source even when a prometheus binary is on PATH or in PROMETHEUS_BIN',
    )
    .option('--no-color', 'no colours')
    .action(async (opts: DemoCliOptions) => {
      const interrupt = new AbortController();
      const onSignal = (): void => interrupt.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const result = await runDemo({
          fast: opts.fast === true,
          out: process.stdout,
          style: styleForStdout({ color: opts.color }),
          ...(opts.prometheus ? {} : { prometheusBin: false }),
          signal: interrupt.signal,
        });
        process.exitCode = result.ok ? 0 : 1;
      } catch (err) {
        if (err instanceof DemoInterrupted) {
          process.stderr.write('demo interrupted; everything it started has been stopped\n');
          process.exitCode = 130;
          return;
        }
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
