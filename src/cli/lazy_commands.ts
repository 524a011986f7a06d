// Commands loaded on use: only they need their native addons (hnswlib for
// retrieval; better-sqlite3 and fastify for the server), so every other command
// starts without them.
export const retrieveLazy = (argv: string[]): Promise<void> => import('./retrieve.js').then((m) => m.retrieveCommand(argv));
export const serveLazy = (argv: string[]): Promise<void> => import('./serve.js').then((m) => m.serveCommand(argv));
export const compareLazy = (argv: string[]): Promise<void> => import('./compare.js').then((m) => m.compareCommand(argv));
