import { Worker } from 'node:worker_threads';
import type { Embedder } from './embedder.ts';
import { pipelineSetup, type TransformersOptions } from './pipeline-setup.ts';

/** An embedder whose model runs on a worker thread; close() ends the thread. */
export interface OffThreadEmbedder extends Embedder {
  close(): Promise<void>;
}

/**
 * The transformers.js model of `loadTransformersEmbedder`, loaded and run on a worker thread, for a
 * process that only answers (the CLI's ask, sources, summary). Creating the onnxruntime session
 * holds its thread for a third of a second or more, and compromise's loading holds the main one
 * longer: on their own threads they overlap. The same pipeline, options and pooling give the same
 * vectors. It cannot count tokens (a synchronous call), so it cannot ingest: the caller opens an
 * in-process embedder when the index must be built. Resolves null when the model does not load.
 */
export function loadOffThread(opts: TransformersOptions): Promise<OffThreadEmbedder | null> {
  const setup = pipelineSetup(opts);
  // Resolved here: an evaluated worker resolves bare names from the working directory, not from this file.
  const worker = new Worker(WORKER, { eval: true, workerData: { ...setup, module: import.meta.resolve('@huggingface/transformers') } });
  const pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failed: Error | null = null;
  // Referenced only while a request waits: an idle model never keeps a finished CLI alive.
  const settle = () => (pending.size ? worker.ref() : worker.unref());
  const fail = (e: Error) => {
    failed ??= e;
    for (const p of pending.values()) p.reject(failed);
    pending.clear();
    settle();
  };
  return new Promise((resolve) => {
    worker.on('error', (e) => {
      fail(e);
      resolve(null);
    });
    worker.on('exit', (code) => {
      fail(new Error(`The embedding thread exited (code ${code}).`));
      resolve(null);
    });
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'failed') {
        resolve(null);
        void worker.terminate();
      } else if (m.kind === 'ready') {
        settle();
        resolve({
          id: setup.id,
          dim: m.dim,
          maxTokens: m.maxTokens,
          countTokens: () => {
            throw new Error('The off-thread embedder does not count tokens: ingest with an in-process embedder.');
          },
          embed: (texts) => {
            if (failed) return Promise.reject(failed);
            if (!texts.length) return Promise.resolve([]);
            const id = next++;
            return new Promise<Float32Array[]>((res, rej) => {
              pending.set(id, { resolve: res, reject: rej });
              settle();
              worker.postMessage({ id, texts });
            });
          },
          close: async () => {
            await worker.terminate();
          },
        });
      } else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        settle();
        if (!p) return;
        if (m.kind === 'error') p.reject(new Error(m.message));
        else p.resolve(Array.from({ length: m.n }, (_, i) => m.data.subarray(i * m.dim, (i + 1) * m.dim)));
      }
    });
  });
}

type WorkerMessage =
  | { kind: 'ready'; dim: number; maxTokens: number }
  | { kind: 'failed'; message: string }
  | { kind: 'vectors'; id: number; data: Float32Array; n: number; dim: number }
  | { kind: 'error'; id: number; message: string };

// Plain JavaScript, evaluated: a worker gets no TypeScript loader under every runner (vitest, tsx, node).
// The pipeline call and pooling are loadTransformersEmbedder's (transformers.ts), with its settings (pipelineSetup).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { env, LogLevel, pipeline } = await import(workerData.module);
  env.logLevel = LogLevel.ERROR;
  Object.assign(env, workerData.env);
  const extractor = await pipeline('feature-extraction', workerData.model, { dtype: workerData.dtype });
  const embed = async (texts) => {
    const out = await extractor(texts, { pooling: 'mean', normalize: true });
    const [n, dim] = out.dims;
    const data = out.data.slice();
    out.dispose?.();
    return { n, dim, data };
  };
  const probe = await embed(['probe']);
  parentPort.on('message', async ({ id, texts }) => {
    try {
      const { n, dim, data } = await embed(texts);
      parentPort.postMessage({ kind: 'vectors', id, n, dim, data }, [data.buffer]);
    } catch (e) {
      parentPort.postMessage({ kind: 'error', id, message: String(e && e.message || e) });
    }
  });
  const modelMax = Number(extractor.tokenizer.model_max_length) || 512;
  parentPort.postMessage({ kind: 'ready', dim: probe.dim, maxTokens: Math.min(modelMax, workerData.maxTokens) });
})().catch((e) => parentPort.postMessage({ kind: 'failed', message: String(e && e.message || e) }));
`;
