// Test driver: runs the real browser sealing modules under Node 20 (same WebCrypto API as
// browsers; Node's Blob stands in for File; no OPFS, so the in-memory sink is used).
// Reads one JSON request {op, ...} on stdin and writes one JSON answer on stdout.
// Used by openlpse/bids/tests/test_js_vectors.py.

import { Buffer } from "node:buffer";

const base = new URL("../../../static/openlpse/js/sealing/", import.meta.url);
const format = await import(new URL("format.mjs", base));
const { Sha256 } = await import(new URL("sha256.mjs", base));
const { sealBlob, MemorySink } = await import(new URL("seal.mjs", base));
const keyfile = await import(new URL("keyfile.mjs", base));
const shares = await import(new URL("shares.mjs", base));

const b64 = (u8) => Buffer.from(u8).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));

async function readStdin() {
  const parts = [];
  for await (const part of process.stdin) parts.push(part);
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
}

const ops = {
  async seal(req) {
    const plain = unb64(req.plaintext);
    const progress = [];
    const result = await sealBlob(new Blob([plain]), {
      tender: req.tender, envelope: req.envelope, bidder: req.bidder,
      committeePublic: req.committee_public, systemPublic: req.system_public, chunk: req.chunk,
      sink: new MemorySink(), onProgress: (done, total) => progress.push([done, total]),
    });
    const sealed = new Uint8Array(await result.blob.arrayBuffer());
    const parsed = format.parseHeader(sealed);
    return {
      sealed: b64(sealed), size: result.size, chunks: result.chunks,
      ciphertext_sha256: result.ciphertextSha256, plaintext_sha256: result.plaintextSha256,
      core: Buffer.from(parsed.core).toString("utf8"), progress,
      expected_size: format.sealedSize(parsed.bodyOffset, plain.length, req.chunk),
    };
  },
  async python_json(req) {
    return { text: format.pythonJson(req.value) };
  },
  async key_id(req) {
    return { kid: await format.keyId(unb64(req.public_key)), fingerprint: await format.fingerprint(unb64(req.public_key)) };
  },
  async sha256(req) {
    const out = [];
    for (const item of req.items) {
      const data = unb64(item.data);
      const h = new Sha256();
      let pos = 0;
      for (const step of item.steps) {
        h.update(data.subarray(pos, pos + step));
        pos += step;
      }
      h.update(data.subarray(pos));
      const webcrypto = format.hex(await format.sha256(data));
      out.push({ ours: h.hex(), webcrypto });
    }
    return { digests: out };
  },
  async split(req) {
    const parts = await shares.splitSecret(unb64(req.secret), req.n, req.k);
    return { shares: parts.map(b64), xs: parts.map(shares.shareX) };
  },
  async combine(req) {
    return { secret: b64(await shares.combineShares(req.shares)) };
  },
  async rebuild(req) {
    try {
      const scalar = await shares.rebuildCommitteeScalar(req.shares, req.public_key);
      return { ok: true, secret: b64(scalar) };
    } catch (exc) {
      return { ok: false, code: exc.code };
    }
  },
  async scalar_matches(req) {
    const derived = await shares.publicFromScalar(unb64(req.scalar));
    return {
      matches: await shares.scalarMatchesPublic(unb64(req.scalar), req.public_key),
      derived: derived ? b64(derived) : null,
    };
  },
  async committee_key() {
    const key = await shares.makeCommitteeKey();
    return { public_key: b64(key.publicRaw), scalar: b64(key.scalar) };
  },
  async seal_share(req) {
    return { sealed: await shares.sealToPersonalKey(unb64(req.message), req.public_key, req.context) };
  },
  async open_share(req) {
    const key = await globalThis.crypto.subtle.importKey(
      "pkcs8", unb64(req.pkcs8), { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"],
    );
    try {
      return { ok: true, message: b64(await shares.openFromPersonalKey(req.sealed, key, req.context)) };
    } catch (exc) {
      return { ok: false, code: exc.code };
    }
  },
  async seal_members(req) {
    return await shares.sealSharesForMembers(
      unb64(req.scalar), req.members, req.k,
      (m) => shares.shareContext(req.tender, req.envelope, req.generation, m.user_id),
    );
  },
  async make_key_file(req) {
    const made = await keyfile.makeKeyFile(req);
    return { file: made.file, file_name: keyfile.keyFileName(req.user) };
  },
  async read_key_file(req) {
    try {
      const read = await keyfile.readKeyFile(req.file, req.passphrase);
      const probe = await shares.openFromPersonalKey(req.sealed, read.privateKey, req.context);
      return { ok: true, public_key: b64(read.publicRaw), message: b64(probe) };
    } catch (exc) {
      return { ok: false, code: exc.code || String(exc) };
    }
  },
};

const req = await readStdin();
const answer = await ops[req.op](req);
process.stdout.write(JSON.stringify(answer));
