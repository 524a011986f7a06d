// `pfd retrieve`, loaded on use: only this command needs the hnswlib addon.
export const retrieveLazy = (argv: string[]): Promise<void> => import('./retrieve.js').then((m) => m.retrieveCommand(argv));
