// Streaming CSV records with their line numbers (csv-parse), so that a file of tens of millions
// of rows is never held in memory; errors name the file (and line when the parser knows it).
import { createReadStream, existsSync } from 'node:fs';
import { parse } from 'csv-parse';
import { DatasetError } from '../manifest.js';

/** Each record of a CSV with a header row, as { record, line } (line: 1-based, of the record's last line). */
export async function* csvRecords(file: string): AsyncGenerator<{ record: Record<string, string>; line: number }> {
  if (!existsSync(file)) throw new DatasetError(file, null, 'file not found');
  const parser = parse({ columns: true, relax_column_count: true, bom: true, info: true, skip_empty_lines: true });
  const source = createReadStream(file);
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) yield { record, line: info.lines };
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    const err = e as Error & { lines?: number };
    throw new DatasetError(file, err.lines ?? null, `not a readable CSV (${err.message.split('\n')[0]})`);
  } finally {
    source.destroy();
  }
}
