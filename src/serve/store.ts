// The server's user store: users created through the API (their learned theta_u
// and the outfits they liked), in SQLite (better-sqlite3) next to the run:
//   RUN/serve/users.sqlite    table users(id, snapshot_iteration, theta, outfits, created)
// Each user is one row written in one transaction: a failed request or a killed
// process leaves it either fully there or absent (WAL journal). Vectors belong to
// the snapshot they were learned against, as for `pfd users add`: users of
// another iteration are kept but not loaded.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface StoredUser {
  id: string;
  theta: Float32Array;
  outfits: { top: string; bottom: string }[];
  created: string;
}

export class UserStore {
  private readonly db: Database.Database;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // One user id per snapshot: a run trained further takes its users again, under the same ids.
    this.db.exec(`CREATE TABLE IF NOT EXISTS users (
      id TEXT NOT NULL,
      snapshot_iteration INTEGER NOT NULL,
      theta BLOB NOT NULL,
      outfits TEXT NOT NULL,
      created TEXT NOT NULL,
      PRIMARY KEY (id, snapshot_iteration)
    )`);
  }

  static forRun(runDir: string): UserStore {
    return new UserStore(path.join(runDir, 'serve', 'users.sqlite'));
  }

  /** The users learned against the snapshot at `iteration`, oldest first. */
  users(iteration: number): StoredUser[] {
    const rows = this.db
      .prepare('SELECT id, theta, outfits, created FROM users WHERE snapshot_iteration = ? ORDER BY rowid')
      .all(iteration) as { id: string; theta: Buffer; outfits: string; created: string }[];
    return rows.map((r) => ({
      id: r.id,
      theta: new Float32Array(r.theta.buffer.slice(r.theta.byteOffset, r.theta.byteOffset + r.theta.byteLength)),
      outfits: JSON.parse(r.outfits),
      created: r.created,
    }));
  }

  has(iteration: number, id: string): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE id = ? AND snapshot_iteration = ?').get(id, iteration) !== undefined;
  }

  /** Adds one user atomically; false when the id is taken. */
  add(iteration: number, u: Omit<StoredUser, 'created'>): boolean {
    const insert = this.db.prepare('INSERT OR IGNORE INTO users (id, snapshot_iteration, theta, outfits, created) VALUES (?, ?, ?, ?, ?)');
    const r = this.db.transaction(() =>
      insert.run(
        u.id,
        iteration,
        Buffer.from(u.theta.buffer, u.theta.byteOffset, u.theta.byteLength),
        JSON.stringify(u.outfits),
        new Date().toISOString(),
      ),
    )();
    return r.changes === 1;
  }

  close(): void {
    this.db.close();
  }
}
