import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface PgliteServer {
  /** postgres:// URL of the server (a real Postgres 18 with pgvector, compiled to WASM). */
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

/**
 * A Postgres with pgvector served over the wire protocol on 127.0.0.1, for tests driving `pg` for real.
 * PGlite is one backend: the socket server queues queries of its connections and, while one of them
 * is in a transaction, runs only that one's (the others wait), so each process uses a pool of 1.
 */
export async function startPgliteServer(maxConnections = 8): Promise<PgliteServer> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
