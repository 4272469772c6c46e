// OpenLPSE sealing: the committee key's shares.
//
// - Shamir k-of-n over GF(2^8) with the npm library `shamir-secret-sharing` (audited; served from
//   node_modules, mapped by the page's import map): shares are 33 bytes, 32 y-bytes then the x
//   byte, the same as PyPI pyshamir. The secret is the committee key's 32-byte private scalar.
// - A share is sealed to a member's personal key (envelope.mjs, re-exported here).
// - The library does not check a rebuilt secret: we do (scalarMatchesPublic).

import { combine, split } from "shamir-secret-sharing";
import { ShareError, sealToPersonalKey } from "./envelope.mjs";
import {
  b64url, concat, equalBytes, hex, importPublic, sha256, unb64, unb64url,
} from "./format.mjs";

export {
  SHARE_INFO, ShareError, openFromPersonalKey, sealToPersonalKey, shareContext,
} from "./envelope.mjs";

const subtle = () => globalThis.crypto.subtle;
const P256 = { name: "ECDH", namedCurve: "P-256" };

/** Split a 32-byte secret into n shares (Uint8Array of 33 bytes), any k of which rebuild it. */
export async function splitSecret(secret, n, k) {
  // A committee of one (pengadaan langsung: the Pejabat Pengadaan, k = n = 1) cannot be split;
  // its single "share" is the secret followed by x = 1, as openlpse/bids/ceremony.py does.
  if (n === 1 && k === 1) {
    const single = new Uint8Array(secret.length + 1);
    single.set(secret);
    single[secret.length] = 1;
    return [single];
  }
  return split(secret, n, k);
}

/** Combine shares (Uint8Array or base64) into the secret. */
export async function combineShares(shares) {
  const list = shares.map((s) => (s instanceof Uint8Array ? s : unb64(s)));
  if (list.length < 1 || list.some((s) => s.length !== 33)) {
    throw new ShareError("bad_share", "shares must be 33 bytes");
  }
  if (list.length === 1) return list[0].slice(0, 32); // a committee of one (see splitSecret)
  return combine(list);
}

/** The x coordinate of a share (its last byte). */
export function shareX(share) {
  return share[share.length - 1];
}

/** Make a new extractable committee key pair: {privateKey, publicRaw, scalar (32 bytes d)}. */
export async function makeCommitteeKey() {
  const c = subtle();
  const pair = await c.generateKey(P256, true, ["deriveBits"]);
  const publicRaw = new Uint8Array(await c.exportKey("raw", pair.publicKey));
  const jwk = await c.exportKey("jwk", pair.privateKey);
  const scalar = unb64url(jwk.d);
  return { publicRaw, scalar };
}

// PKCS#8 for a P-256 key holding only the private scalar (RFC 5915 ECPrivateKey without its
// optional public key): the engine computes the public point itself on import.
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01,
  0x01, 0x04, 0x20,
]);

/** The public point (65 raw bytes) of a private scalar, or null when this engine cannot say. */
export async function publicFromScalar(scalar) {
  const der = concat(PKCS8_PREFIX, scalar);
  try {
    const key = await subtle().importKey("pkcs8", der, P256, true, ["deriveBits"]);
    const jwk = await subtle().exportKey("jwk", key);
    return concat(new Uint8Array([4]), unb64url(jwk.x), unb64url(jwk.y));
  } catch {
    return null; // an invalid scalar, or an engine that wants the public key inside PKCS#8
  } finally {
    der.fill(0);
  }
}

/**
 * Does the rebuilt scalar give the published committee public key? First choice: import the
 * scalar alone as PKCS#8, which makes WebCrypto compute the public point, and compare it with the
 * published one byte for byte (Chromium and Node do this). Fallback, for engines that refuse a
 * PKCS#8 without the public key: import a JWK with d plus the published x, y and prove by ECDH
 * with a throwaway key that d*E equals e*P (an x-only check, which cannot be passed by chance).
 */
export async function scalarMatchesPublic(scalar, publishedPublic) {
  const published = publishedPublic instanceof Uint8Array ? publishedPublic : unb64(publishedPublic);
  if (scalar.length !== 32 || published.length !== 65) return false;
  const derived = await publicFromScalar(scalar);
  if (derived) return equalBytes(derived, published);
  const c = subtle();
  try {
    const jwk = {
      kty: "EC", crv: "P-256", ext: false,
      d: b64url(scalar), x: b64url(published.subarray(1, 33)), y: b64url(published.subarray(33, 65)),
    };
    const rebuilt = await c.importKey("jwk", jwk, P256, false, ["deriveBits"]);
    const probe = await c.generateKey(P256, false, ["deriveBits"]);
    const pub = await importPublic(published);
    const one = new Uint8Array(await c.deriveBits({ name: "ECDH", public: probe.publicKey }, rebuilt, 256));
    const two = new Uint8Array(await c.deriveBits({ name: "ECDH", public: pub }, probe.privateKey, 256));
    return equalBytes(one, two);
  } catch {
    return false;
  }
}

/** Combine shares and check the result against the published key; ShareError when it differs. */
export async function rebuildCommitteeScalar(shares, publishedPublic) {
  const scalar = await combineShares(shares);
  if (!(await scalarMatchesPublic(scalar, publishedPublic))) {
    scalar.fill(0);
    throw new ShareError("share_mismatch", "the rebuilt key does not match the published committee key");
  }
  return scalar;
}

/**
 * Split a committee scalar for members and seal each share to its member: the payload the server
 * stores (committee_keys_store / resplit_complete). members: [{user_id, public_key}];
 * context(member) gives the slot's AAD. Returns {threshold, shares: {user_id: {x, sealed,
 * share_sha256}}}.
 */
export async function sealSharesForMembers(scalar, members, threshold, context) {
  const shares = await splitSecret(scalar, members.length, threshold);
  const out = {};
  try {
    for (let i = 0; i < members.length; i++) {
      const member = members[i];
      const share = shares[i];
      out[String(member.user_id)] = {
        x: shareX(share),
        sealed: await sealToPersonalKey(share, member.public_key, context(member)),
        share_sha256: hex(await sha256(share)),
      };
    }
  } finally {
    for (const s of shares) s.fill(0);
  }
  return { threshold, shares: out };
}
