import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { projectRoot } from '../paths.js';

export function sluiceVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function registerVersion(program: Command): void {
  program.version(sluiceVersion(), '--version');
  program
    .command('version')
    .description('Print the Sluice version')
    .action(() => {
      process.stdout.write(`sluice v${sluiceVersion()}\n`);
    });
}
