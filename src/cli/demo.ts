// `npm run demo`: the main job on the built-in default data. Today it builds
// the default synthetic fashion world (preset `demo`) under runs/demo/world
// and writes its statistics and a contact sheet of outfits per user.
// Training and design (`pfd train`, `pfd design`) join it as they land.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { main } from './pfd.js';

const dir = path.resolve('runs', 'demo', 'world');
if (existsSync(dir)) rmSync(dir, { recursive: true });
let code = await main(['data', 'make', '--preset', 'demo', '--out', dir]);
if (code === 0) code = await main(['data', 'inspect', dir]);
if (code === 0) console.log(`\ndemo done: open ${path.join(dir, 'contact-sheet.png')} to see each user's outfits`);
process.exit(code);
