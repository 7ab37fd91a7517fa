import type { EngineSettings } from '../settings.ts';
import type { IndexBackend } from './backend.ts';
import { EmbeddedBackend } from './embedded/backend.ts';

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** The store the settings choose: Postgres when DATABASE_URL is set, the embedded index in INDEX_DIR otherwise. */
export async function openBackend(settings: EngineSettings, log: Log): Promise<IndexBackend> {
  if (settings.database) {
    // Loaded only when chosen: the embedded default never loads pg.
    const { PostgresBackend } = await import('./postgres/backend.ts');
    return PostgresBackend.connect(settings, log);
  }
  return new EmbeddedBackend(settings, log);
}
