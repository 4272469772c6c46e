// OpenLPSE sealing: the share envelope, a short message (a Shamir share) sealed to a member's
// personal key: ECDH-ES (ephemeral P-256) -> HKDF-SHA256(Z, salt = 32 zero bytes, info
// "lpse-share-v1") -> AES-GCM with the slot's context string as AAD; {"epk","iv","ct"} in base64
// (sealedfile.seal_to_personal_key / open_from_personal_key). No third-party code: pages that
// only open or hand over a share load this without the Shamir library.

import { b64, importPublic, unb64, utf8 } from "./format.mjs";

export const SHARE_INFO = "lpse-share-v1";
const subtle = () => globalThis.crypto.subtle;
const P256 = { name: "ECDH", namedCurve: "P-256" };

export class ShareError extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.code = code; // "share_open", "share_mismatch", "bad_share"
    this.detail = detail;
  }
}

/** The context (AAD) of a share slot: "<tender>/<envelope>/g<generation>/u<member user id>". */
export function shareContext(tender, envelope, generation, userId) {
  return `${tender}/${envelope}/g${generation}/u${userId}`;
}

async function shareKey(z, usage) {
  const ikm = await subtle().importKey("raw", z, "HKDF", false, ["deriveKey"]);
  return subtle().deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8(SHARE_INFO) },
    ikm, { name: "AES-GCM", length: 256 }, false, [usage],
  );
}

/** Seal a short message (a share) to a member's public key (base64 or raw bytes). */
export async function sealToPersonalKey(message, recipientPublic, context) {
  const c = subtle();
  const raw = recipientPublic instanceof Uint8Array ? recipientPublic : unb64(recipientPublic);
  const recipient = await importPublic(raw);
  const eph = await c.generateKey(P256, false, ["deriveBits"]);
  const z = new Uint8Array(await c.deriveBits({ name: "ECDH", public: recipient }, eph.privateKey, 256));
  const key = await shareKey(z, "encrypt");
  z.fill(0);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await c.encrypt({ name: "AES-GCM", iv, additionalData: utf8(context) }, key, message));
  const epk = new Uint8Array(await c.exportKey("raw", eph.publicKey));
  return { epk: b64(epk), iv: b64(iv), ct: b64(ct) };
}

/** Open a sealed share with the member's private key (an ECDH CryptoKey); ShareError if not. */
export async function openFromPersonalKey(sealed, privateKey, context) {
  const c = subtle();
  try {
    const epk = await importPublic(unb64(sealed.epk));
    const z = new Uint8Array(await c.deriveBits({ name: "ECDH", public: epk }, privateKey, 256));
    const key = await shareKey(z, "decrypt");
    z.fill(0);
    return new Uint8Array(await c.decrypt(
      { name: "AES-GCM", iv: unb64(sealed.iv), additionalData: utf8(context) }, key, unb64(sealed.ct),
    ));
  } catch {
    throw new ShareError("share_open", "the share does not open with this personal key");
  }
}
