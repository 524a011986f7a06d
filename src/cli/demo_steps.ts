// What `npm run demo` and its real-photo path (demo_hm.ts) share: running one pfd command as a
// titled step (the demo stops at the first that fails), and reading a data folder's outfits.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { main } from './pfd.js';

/** Runs `pfd argv` under a title; exits with its code if it fails. */
export async function demoStep(title: string, argv: string[]): Promise<void> {
  console.log(`\n== ${title}\n$ pfd ${argv.join(' ')}`);
  const code = await main(argv);
  if (code !== 0) process.exit(code);
}

/** The outfits of a data folder's manifest.jsonl (each line one outfit). */
export function manifestOutfits(dir: string): { user: string; top: string; bottom: string; split: string }[] {
  return readFileSync(path.join(dir, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
