// OpenLPSE sealing: seal a File or Blob slice by slice (never loaded whole), with a read-back
// self-check of every chunk, the SHA-256 of the plaintext and of the sealed file computed as it
// is written, and the ciphertext kept in the Origin Private File System (so an upload can resume
// after a page reload) or, where OPFS is missing, in memory as Blob parts.

import { Sha256 } from "./sha256.mjs";
import { DEFAULT_CHUNK, chunkCount, checkChunk, makeHeader, sealChunk } from "./format.mjs";

export class SealError extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.code = code; // "self_check", "storage", "read"
    this.detail = detail;
  }
}

/** A sink that keeps the sealed bytes in memory (Blob parts): Node and browsers without OPFS. */
export class MemorySink {
  constructor() {
    this.parts = [];
    this.kind = "memory";
    this.name = null;
  }
  async write(bytes) {
    this.parts.push(bytes);
  }
  async close() {
    const blob = new Blob(this.parts, { type: "application/octet-stream" });
    this.parts = [];
    return blob;
  }
  async abort() {
    this.parts = [];
  }
}

/** A sink writing to an OPFS file (navigator.storage.getDirectory + createWritable). */
export class OpfsSink {
  static async open(name) {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(name, { create: true });
    const writable = await handle.createWritable({ keepExistingData: false });
    return new OpfsSink(root, handle, writable, name);
  }
  constructor(root, handle, writable, name) {
    this.root = root;
    this.handle = handle;
    this.writable = writable;
    this.name = name;
    this.kind = "opfs";
  }
  async write(bytes) {
    await this.writable.write(bytes);
  }
  async close() {
    await this.writable.close();
    return this.handle.getFile();
  }
  async abort() {
    try {
      await this.writable.abort();
    } catch { /* already closed */ }
    await removeOpfsFile(this.name);
  }
}

export function opfsAvailable() {
  return Boolean(
    globalThis.navigator && navigator.storage && typeof navigator.storage.getDirectory === "function"
      && globalThis.FileSystemFileHandle
      && "createWritable" in FileSystemFileHandle.prototype,
  );
}

/** The best sink here: OPFS when it works, else memory. */
export async function openSink(name) {
  if (name && opfsAvailable()) {
    try {
      return await OpfsSink.open(name);
    } catch { /* private mode, quota, or an old engine: fall back to memory */ }
  }
  return new MemorySink();
}

/** The sealed file kept in OPFS under `name`, or null. */
export async function readOpfsFile(name) {
  if (!name || !opfsAvailable()) return null;
  try {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(name);
    return await handle.getFile();
  } catch {
    return null;
  }
}

export async function removeOpfsFile(name) {
  if (!name || !opfsAvailable()) return;
  try {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(name);
  } catch { /* gone already */ }
}

/**
 * Seal `blob` for one tender envelope and bidder.
 *
 * options: tender, envelope, bidder, committeePublic, systemPublic (base64 or Uint8Array of the
 * 65-byte raw points), chunk (bytes, default 1 MiB), sink (default: MemorySink), onProgress(done,
 * total) in plaintext bytes.
 * Returns {blob, size, chunks, ciphertextSha256, plaintextSha256, header, sink}.
 */
export async function sealBlob(blob, options) {
  const chunk = options.chunk || DEFAULT_CHUNK;
  const sink = options.sink || new MemorySink();
  const onProgress = options.onProgress || (() => {});
  const header = await makeHeader({ ...options, chunk });
  const fileHash = new Sha256();
  const plainHash = new Sha256();
  let size = 0;
  const emit = async (bytes) => {
    fileHash.update(bytes);
    size += bytes.length;
    try {
      await sink.write(bytes);
    } catch (exc) {
      throw new SealError("storage", String(exc && exc.message ? exc.message : exc));
    }
  };
  const total = blob.size;
  const count = chunkCount(total, chunk);
  try {
    await emit(header.bytes);
    onProgress(0, total);
    for (let i = 0; i < count; i++) {
      const start = i * chunk;
      const end = Math.min(total, start + chunk);
      let plain;
      try {
        plain = new Uint8Array(await blob.slice(start, end).arrayBuffer());
      } catch (exc) {
        throw new SealError("read", String(exc && exc.message ? exc.message : exc));
      }
      const last = i === count - 1;
      const { framed, ct } = await sealChunk(header, i, plain, last);
      if (!(await checkChunk(header, i, ct, plain, last))) {
        throw new SealError("self_check", `self-check failed at chunk ${i}`);
      }
      plainHash.update(plain);
      await emit(framed);
      onProgress(end, total);
    }
    const sealed = await sink.close();
    return {
      blob: sealed,
      size,
      chunks: count,
      ciphertextSha256: fileHash.hex(),
      plaintextSha256: plainHash.hex(),
      header: header.fields,
      sink,
    };
  } catch (exc) {
    await sink.abort();
    throw exc;
  }
}
