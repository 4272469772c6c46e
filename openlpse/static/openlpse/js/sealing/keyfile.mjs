// OpenLPSE sealing: the personal key file (issue brief "Personal key file format").
//
// A Pokja member's ECDH P-256 key pair is made in the browser; the private key (PKCS#8) is
// encrypted with AES-GCM under PBKDF2-HMAC-SHA-256(passphrase, 600,000 iterations; ASVS
// Appendix C), with the fingerprint as AAD, and downloaded as JSON. The server only ever gets
// the public key. openlpse/bids/keyfile.py reads the same file.

import { b64, fingerprint, unb64, unb64url, utf8 } from "./format.mjs";

export const FORMAT = "openlpse-personal-key";
export const ITERATIONS = 600000;
export const MIN_PASSPHRASE = 12;

export class KeyFileError extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.code = code; // "not_a_key_file" or "wrong_passphrase"
    this.detail = detail;
  }
}

const subtle = () => globalThis.crypto.subtle;

async function passphraseKey(passphrase, salt, iterations, usage) {
  const base = await subtle().importKey("raw", utf8(passphrase), "PBKDF2", false, ["deriveKey"]);
  return subtle().deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    base, { name: "AES-GCM", length: 256 }, false, [usage],
  );
}

/** The file name: openlpse-kunci-<username>.json. */
export function keyFileName(user) {
  return `openlpse-kunci-${String(user)}.json`; // as keyfile.file_name
}

/**
 * Make a new key pair and its key file. Returns {file (the JSON object), publicRaw (Uint8Array),
 * publicB64, fingerprint, privateKey (a non-extractable ECDH CryptoKey)}.
 */
export async function makeKeyFile({ user, lpse, passphrase, iterations = ITERATIONS }) {
  const c = subtle();
  const pair = await c.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const publicRaw = new Uint8Array(await c.exportKey("raw", pair.publicKey));
  const fp = await fingerprint(publicRaw);
  const pkcs8 = new Uint8Array(await c.exportKey("pkcs8", pair.privateKey));
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await passphraseKey(passphrase, salt, iterations, "encrypt");
  const sealed = new Uint8Array(await c.encrypt({ name: "AES-GCM", iv, additionalData: utf8(fp) }, key, pkcs8));
  const privateKey = await c.importKey("pkcs8", pkcs8, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  pkcs8.fill(0);
  const file = {
    format: FORMAT,
    v: 1,
    user: String(user),
    lpse: String(lpse),
    public_key: b64(publicRaw),
    fingerprint: fp,
    created: new Date().toISOString(),
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations, salt: b64(salt) },
    cipher: { name: "AES-GCM", iv: b64(iv) },
    private_key: b64(sealed),
  };
  return { file, publicRaw, publicB64: file.public_key, fingerprint: fp, privateKey };
}

/** Parse a key file (text, bytes or object) without the passphrase; KeyFileError if it is not one. */
export function parseKeyFile(data) {
  let doc = data;
  try {
    if (data instanceof Uint8Array || data instanceof ArrayBuffer) doc = new TextDecoder().decode(data);
    if (typeof doc === "string") doc = JSON.parse(doc);
  } catch {
    throw new KeyFileError("not_a_key_file", "not JSON");
  }
  if (!doc || typeof doc !== "object" || doc.format !== FORMAT || doc.v !== 1
      || !doc.kdf || !doc.cipher || typeof doc.private_key !== "string"
      || typeof doc.public_key !== "string" || typeof doc.fingerprint !== "string") {
    throw new KeyFileError("not_a_key_file", "not an OpenLPSE personal key file");
  }
  return doc;
}

/**
 * Read a key file with its passphrase. Returns {privateKey (ECDH CryptoKey, deriveBits only),
 * publicRaw, fingerprint, user, lpse}. Raises KeyFileError.
 */
export async function readKeyFile(data, passphrase) {
  const doc = parseKeyFile(data);
  const c = subtle();
  let publicRaw;
  let salt;
  let iv;
  let sealed;
  try {
    publicRaw = unb64(doc.public_key);
    salt = unb64(doc.kdf.salt);
    iv = unb64(doc.cipher.iv);
    sealed = unb64(doc.private_key);
  } catch {
    throw new KeyFileError("not_a_key_file", "damaged base64 field");
  }
  if (doc.kdf.name !== "PBKDF2" || doc.kdf.hash !== "SHA-256" || doc.cipher.name !== "AES-GCM"
      || !Number.isInteger(doc.kdf.iterations) || doc.kdf.iterations < 1) {
    throw new KeyFileError("not_a_key_file", "unknown key derivation or cipher");
  }
  if ((await fingerprint(publicRaw)) !== doc.fingerprint) {
    throw new KeyFileError("not_a_key_file", "fingerprint does not match the public key");
  }
  const key = await passphraseKey(passphrase, salt, doc.kdf.iterations, "decrypt");
  let pkcs8;
  try {
    pkcs8 = new Uint8Array(await c.decrypt({ name: "AES-GCM", iv, additionalData: utf8(doc.fingerprint) }, key, sealed));
  } catch {
    throw new KeyFileError("wrong_passphrase", "the passphrase does not open this key file");
  }
  let privateKey;
  let jwk;
  try {
    const extractable = await c.importKey("pkcs8", pkcs8, { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
    jwk = await c.exportKey("jwk", extractable);
    privateKey = await c.importKey("pkcs8", pkcs8, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  } catch {
    throw new KeyFileError("not_a_key_file", "the private key inside is damaged");
  } finally {
    pkcs8.fill(0);
  }
  const derived = new Uint8Array([4, ...unb64url(jwk.x), ...unb64url(jwk.y)]);
  if (b64(derived) !== doc.public_key) {
    throw new KeyFileError("not_a_key_file", "the private key does not belong to the public key");
  }
  return { privateKey, publicRaw, fingerprint: doc.fingerprint, user: doc.user, lpse: doc.lpse };
}

/** Offer the key file as a download (browser only). */
export function downloadKeyFile(file, user) {
  const blob = new Blob([JSON.stringify(file, null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = keyFileName(user);
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
