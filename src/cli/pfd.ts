#!/usr/bin/env -S node --import tsx
// The `pfd` command line: one entry point, subcommands by noun and verb.
import { DATA_USAGE, dataInspect, dataMake } from './data.js';
import { DATA_IMPORT_USAGE, dataImport } from './data_import.js';
import { UsageError } from './errors.js';
import { trainUsage, trainCommand } from './train.js';
import { DESIGN_USAGE, designCommand } from './design.js';
import { EVAL_USAGE, evalCommand } from './eval.js';
import { USERS_USAGE, USERS_COMMANDS } from './users.js';
import { RETRIEVE_USAGE } from './retrieve_usage.js';
import { compareLazy, retrieveLazy, serveLazy } from './lazy_commands.js';
import { COMPARE_USAGE } from './compare_usage.js';
import { SERVE_USAGE } from './serve_usage.js';

const usage = () => `usage:
  ${[DATA_USAGE, DATA_IMPORT_USAGE, trainUsage(), DESIGN_USAGE, EVAL_USAGE, COMPARE_USAGE, USERS_USAGE, RETRIEVE_USAGE, SERVE_USAGE].join('\n').split('\n').join('\n  ')}`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  'data make': dataMake,
  'data inspect': dataInspect,
  'data import': dataImport,
  train: trainCommand,
  design: designCommand,
  eval: evalCommand,
  compare: compareLazy,
  ...USERS_COMMANDS,
  retrieve: retrieveLazy,
  serve: serveLazy,
};

export async function main(argv: string[]): Promise<number> {
  // Commands are one word (`train`) or a noun and a verb (`data make`).
  const words = COMMANDS[argv.slice(0, 2).join(' ')] ? 2 : 1;
  const key = argv.slice(0, words).join(' ');
  const cmd = argv.length ? COMMANDS[key] : undefined;
  const help = argv.includes('--help') || argv.includes('-h');
  if (!cmd || help) {
    // Asked for: the usage on stdout, status 0. An unknown or missing command: on stderr, status 2.
    if (help) {
      console.log(usage());
      return 0;
    }
    if (argv.length) console.error(`pfd: unknown command '${argv.join(' ')}'`);
    console.error(usage());
    return 2;
  }
  try {
    await cmd(argv.slice(words));
    return 0;
  } catch (e) {
    const err = e as Error & { code?: string };
    // parseArgs errors (unknown flag, missing value) are usage errors too.
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`pfd ${key}: ${err.message}\n${usage()}`);
      return 2;
    }
    console.error(`pfd ${key}: ${err.message}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
