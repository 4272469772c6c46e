// OpenLPSE sealing: the sealed-bid file format (security-reference §1.4), the same bytes as
// openlpse/bids/sealedfile.py writes.
//
//   file = "LPSEBID1" || u32 len(core) || core || u32 len(wrap) || wrap || (u32 len || ct_i)*
//   core = UTF-8 JSON {v, suite, tender, envelope, bidder, committee_kid, system_kid, epk, chunk,
//          nonce_prefix} written as Python's json.dumps(separators=(",", ":")) writes it
//   Z1, Z2 = ECDH(eph, committee_pub), ECDH(eph, system_pub)
//   KEK  = HKDF-SHA256(ikm = Z1 || Z2, salt = SHA256(core), info = "lpse-bid-kek-v1")
//   wrap = iv || AES-GCM(KEK, iv, DEK, aad = core)
//   aad  = SHA256(core || wrap)
//   ct_i = AES-GCM(DEK, nonce = prefix7 || u32be(i) || last?1:0, chunk_i, aad)
//
// Every primitive is WebCrypto (globalThis.crypto.subtle: browsers and Node 20).

export const MAGIC = new TextEncoder().encode("LPSEBID1");
export const VERSION = 1;
export const SUITE = "P256x2-HKDF-SHA256/A256GCM-STREAM";
export const KEK_INFO = "lpse-bid-kek-v1";
export const DEFAULT_CHUNK = 1024 * 1024;
export const MAX_CHUNK = 8 * 1024 * 1024;
export const TAG = 16;
export const HEADER_FIELDS = [
  "v", "suite", "tender", "envelope", "bidder", "committee_kid", "system_kid", "epk", "chunk",
  "nonce_prefix",
];

const subtle = () => globalThis.crypto.subtle;
const encoder = new TextEncoder();
export const utf8 = (text) => encoder.encode(text);

export function b64(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = "";
  for (let i = 0; i < u8.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

export function unb64(text) {
  const bin = atob(String(text));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function b64url(bytes) {
  return b64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64url(text) {
  const s = String(text).replace(/-/g, "+").replace(/_/g, "/");
  return unb64(s + "=".repeat((4 - (s.length % 4)) % 4));
}

export function hex(bytes) {
  let out = "";
  for (const b of new Uint8Array(bytes)) out += b.toString(16).padStart(2, "0");
  return out;
}

export function u32(n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** JSON exactly as Python's json.dumps(obj, separators=(",", ":")) writes it (ensure_ascii:
 * every non-ASCII UTF-16 unit as a lower-case \uXXXX escape), in the object's key order. */
export function pythonJson(value) {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

/** SHA-256 of the raw public key, hex: the published fingerprint. */
export async function fingerprint(rawPublic) {
  return hex(await sha256(rawPublic));
}

/** The key id written into headers: the first 32 hex digits of the fingerprint. */
export async function keyId(rawPublic) {
  return (await fingerprint(rawPublic)).slice(0, 32);
}

/** Groups of four, upper case, as read aloud when a fingerprint is confirmed. */
export function formatFingerprint(fp) {
  return (String(fp).match(/.{1,4}/g) || []).join(" ").toUpperCase();
}

export function importPublic(rawPublic) {
  return subtle().importKey("raw", rawPublic, { name: "ECDH", namedCurve: "P-256" }, true, []);
}

/** The nonce of chunk i: prefix7 || u32be(i) || last?1:0. */
export function chunkNonce(prefix, index, last) {
  return concat(prefix, u32(index), new Uint8Array([last ? 1 : 0]));
}

/** How many chunks a plaintext of `size` bytes gives: an empty file is one final empty chunk; a
 * file of exactly k * chunk bytes is k chunks, the last one flagged final (as sealedfile._chunks). */
export function chunkCount(size, chunk) {
  return Math.max(1, Math.ceil(size / chunk));
}

/** The size of the sealed file for a plaintext of `size` bytes and a header of `headerLength`. */
export function sealedSize(headerLength, size, chunk) {
  return headerLength + chunkCount(size, chunk) * (4 + TAG) + size;
}

/**
 * Make the header for one tender envelope and bidder. Returns {bytes (magic through wrap), core,
 * fields, dek (an AES-GCM CryptoKey), aad, prefix}.
 */
export async function makeHeader({
  tender, envelope, bidder, committeePublic, systemPublic, chunk = DEFAULT_CHUNK,
}) {
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > MAX_CHUNK) {
    throw new RangeError(`chunk size ${chunk} out of range`);
  }
  const c = subtle();
  const committeeRaw = committeePublic instanceof Uint8Array ? committeePublic : unb64(committeePublic);
  const systemRaw = systemPublic instanceof Uint8Array ? systemPublic : unb64(systemPublic);
  const [committee, system] = [await importPublic(committeeRaw), await importPublic(systemRaw)];
  const eph = await c.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const epk = new Uint8Array(await c.exportKey("raw", eph.publicKey));
  const z1 = new Uint8Array(await c.deriveBits({ name: "ECDH", public: committee }, eph.privateKey, 256));
  const z2 = new Uint8Array(await c.deriveBits({ name: "ECDH", public: system }, eph.privateKey, 256));
  const prefix = globalThis.crypto.getRandomValues(new Uint8Array(7));
  const fields = {
    v: VERSION,
    suite: SUITE,
    tender: String(tender),
    envelope: String(envelope),
    bidder: String(bidder),
    committee_kid: await keyId(committeeRaw),
    system_kid: await keyId(systemRaw),
    epk: b64(epk),
    chunk,
    nonce_prefix: b64(prefix),
  };
  const core = utf8(pythonJson(fields));
  const ikm = await c.importKey("raw", concat(z1, z2), "HKDF", false, ["deriveKey"]);
  z1.fill(0);
  z2.fill(0);
  const kek = await c.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: await sha256(core), info: utf8(KEK_INFO) },
    ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt"],
  );
  const dekRaw = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const dek = await c.importKey("raw", dekRaw, "AES-GCM", false, ["encrypt", "decrypt"]);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const wrapped = new Uint8Array(await c.encrypt({ name: "AES-GCM", iv, additionalData: core }, kek, dekRaw));
  dekRaw.fill(0);
  const wrap = concat(iv, wrapped);
  const aad = await sha256(concat(core, wrap));
  const bytes = concat(MAGIC, u32(core.length), core, u32(wrap.length), wrap);
  return { bytes, core, wrap, fields, dek, aad, prefix };
}

/** Encrypt chunk i: returns the framed bytes u32(len) || ct. */
export async function sealChunk(header, index, plain, last) {
  const ct = new Uint8Array(await subtle().encrypt(
    { name: "AES-GCM", iv: chunkNonce(header.prefix, index, last), additionalData: header.aad },
    header.dek, plain,
  ));
  return { framed: concat(u32(ct.length), ct), ct };
}

/** The read-back self-check of one chunk (Apendo 3.1 did the same): decrypt and compare. */
export async function checkChunk(header, index, ct, plain, last) {
  let back;
  try {
    back = new Uint8Array(await subtle().decrypt(
      { name: "AES-GCM", iv: chunkNonce(header.prefix, index, last), additionalData: header.aad },
      header.dek, ct,
    ));
  } catch {
    return false;
  }
  return equalBytes(back, plain);
}

/** Parse the header of sealed bytes (for tests and the read-back): {fields, core, wrap, bodyOffset}. */
export function parseHeader(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!equalBytes(bytes.subarray(0, 8), MAGIC)) throw new Error("E_FORMAT: bad magic");
  const coreLen = view.getUint32(8);
  const core = bytes.subarray(12, 12 + coreLen);
  const wrapLen = view.getUint32(12 + coreLen);
  const wrap = bytes.subarray(16 + coreLen, 16 + coreLen + wrapLen);
  const fields = JSON.parse(new TextDecoder().decode(core));
  return { fields, core, wrap, bodyOffset: 16 + coreLen + wrapLen };
}
