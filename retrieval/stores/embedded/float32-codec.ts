import { createRequire } from 'node:module';
import type { DocumentCatalog, IndexCodec, IndexData, IndexItem, MetadataTypes } from 'vectra';

// vectra's module graph takes 1–2 s to load (it brings clients for hosted models), which every CLI
// call paid for a file format. Only LocalIndex asks a codec for catalogs and metadata, and whoever
// uses LocalIndex has loaded vectra already, so its JSON codec is required on first use.
let jsonCodec: IndexCodec | null = null;
const json = (): IndexCodec => (jsonCodec ??= new (createRequire(import.meta.url)('vectra') as typeof import('vectra')).JsonCodec());

const MAGIC = 'NQBF32\n';

/**
 * A vectra index codec that keeps vectors as one little-endian float32 block instead of numbers in
 * JSON or protobuf: loading 100k × 512 vectors becomes a copy rather than a parse (vectra's
 * ProtobufCodec took ~4.7 s for that on 2 cores; see bench/query.ts). Items come back with
 * Float32Array views as their vectors, which vectra's own scoring reads like arrays.
 * Layout: magic, u32 JSON length, JSON {version, metadata_config, dim, ids, norms, metadata},
 * padding to 4 bytes, then count × dim float32.
 */
export class Float32Codec implements IndexCodec {
  readonly extension = '.f32idx';
  // Catalogs and metadata files are small; vectra's JSON format serves them.
  serializeCatalog = (c: DocumentCatalog) => json().serializeCatalog(c);
  deserializeCatalog = (b: Buffer) => json().deserializeCatalog(b);
  serializeMetadata = (m: Record<string, MetadataTypes>) => json().serializeMetadata(m);
  deserializeMetadata = (b: Buffer) => json().deserializeMetadata(b);

  serializeIndex(data: IndexData): Buffer {
    const dim = data.items[0]?.vector.length ?? 0;
    const head = Buffer.from(
      JSON.stringify({
        version: data.version,
        metadata_config: data.metadata_config,
        dim,
        ids: data.items.map((it) => it.id),
        norms: data.items.map((it) => it.norm),
        metadata: data.items.map((it) => it.metadata),
      }),
    );
    const prefix = MAGIC.length + 4 + head.length;
    const pad = (4 - (prefix % 4)) % 4;
    const out = Buffer.alloc(prefix + pad + data.items.length * dim * 4);
    out.write(MAGIC, 0, 'latin1');
    out.writeUInt32LE(head.length, MAGIC.length);
    head.copy(out, MAGIC.length + 4);
    const block = new Float32Array(out.buffer, out.byteOffset + prefix + pad, data.items.length * dim);
    data.items.forEach((it, i) => {
      if (it.vector.length !== dim) throw new Error(`vector ${it.id} has ${it.vector.length} dimensions, expected ${dim}`);
      block.set(it.vector, i * dim);
    });
    return out;
  }

  deserializeIndex(buffer: Buffer): IndexData {
    if (buffer.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a float32 vector index');
    const headLength = buffer.readUInt32LE(MAGIC.length);
    const prefix = MAGIC.length + 4 + headLength;
    const head = JSON.parse(buffer.toString('utf8', MAGIC.length + 4, prefix)) as {
      version: number;
      metadata_config: IndexData['metadata_config'];
      dim: number;
      ids: string[];
      norms: number[];
      metadata: IndexItem['metadata'][];
    };
    const start = prefix + ((4 - (prefix % 4)) % 4);
    const count = head.ids.length;
    if (buffer.byteLength - start !== count * head.dim * 4) throw new Error(`vector block holds ${buffer.byteLength - start} bytes, expected ${count * head.dim * 4}`);
    // One aligned copy of the block; items view into it.
    const block = new Float32Array(buffer.buffer.slice(buffer.byteOffset + start, buffer.byteOffset + buffer.byteLength));
    const items: IndexItem[] = head.ids.map((id, i) => ({
      id,
      norm: head.norms[i]!,
      metadata: head.metadata[i]!,
      vector: block.subarray(i * head.dim, (i + 1) * head.dim) as unknown as number[],
    }));
    return { version: head.version, metadata_config: head.metadata_config, items };
  }
}
