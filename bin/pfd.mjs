#!/usr/bin/env node
// The `pfd` executable (`npx pfd ...` inside the project, or on PATH after `npm link`):
// registers tsx's loader for the TypeScript sources, then runs the command line.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/pfd.ts');
process.exit(await main(process.argv.slice(2)));
