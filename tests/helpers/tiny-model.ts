import { mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The real MiniLM tokenizer and config, shipped beside the project (no weights there). */
export const SHARED_MINILM = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'Xenova', 'all-MiniLM-L6-v2');

const VOCAB = 30522;

/** Deterministic pseudo-random numbers so the generated model is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a tiny BERT-shaped feature-extraction model: a token embedding table looked up by
 * input_ids and masked by attention_mask, exposed as last_hidden_state. Mean pooling over it is a
 * bag-of-words embedding, so texts sharing tokens score as similar — enough to test retrieval
 * through the real transformers.js + onnxruntime path.
 */
export function writeTinyModel(root: string, modelId = 'test/tiny-bert', dim = 32): string {
  const dir = join(root, modelId);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    copyFileSync(join(SHARED_MINILM, f), join(dir, f));
  }
  const rand = mulberry32(42);
  const table = new Float32Array(VOCAB * dim);
  for (let i = 0; i < table.length; i++) table[i] = rand() * 2 - 1;

  const tensorType = (elemType: number, dims: (number | string)[]) => ({
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  });
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const graph = {
    name: 'tiny-bert',
    node: [
      { opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['tok'], attribute: [{ name: 'axis', i: 0, type: onnx.AttributeProto.AttributeType.INT }] },
      { opType: 'Cast', input: ['attention_mask'], output: ['maskf'], attribute: [{ name: 'to', i: FLOAT, type: onnx.AttributeProto.AttributeType.INT }] },
      { opType: 'Unsqueeze', input: ['maskf', 'axes'], output: ['mask3'] },
      { opType: 'Mul', input: ['tok', 'mask3'], output: ['last_hidden_state'] },
    ],
    initializer: [
      { name: 'embeddings', dims: [VOCAB, dim], dataType: FLOAT, rawData: new Uint8Array(table.buffer) },
      { name: 'axes', dims: [1], dataType: INT64, int64Data: [2] },
    ],
    input: [
      { name: 'input_ids', type: tensorType(INT64, ['batch', 'seq']) },
      { name: 'attention_mask', type: tensorType(INT64, ['batch', 'seq']) },
    ],
    output: [{ name: 'last_hidden_state', type: tensorType(FLOAT, ['batch', 'seq', dim]) }],
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'news-quote-bot-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  writeFileSync(join(dir, 'onnx', 'model_quantized.onnx'), bytes);
  writeFileSync(join(dir, 'onnx', 'model.onnx'), bytes);
  return dir;
}
