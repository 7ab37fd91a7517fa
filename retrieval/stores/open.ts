import type { EngineSettings } from '../settings.ts';
import type { IndexBackend } from './backend.ts';
import { EmbeddedBackend } from './embedded/backend.ts';

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** The store the settings choose: the embedded index in INDEX_DIR. */
export async function openBackend(settings: EngineSettings, log: Log): Promise<IndexBackend> {
  return new EmbeddedBackend(settings, log);
}
