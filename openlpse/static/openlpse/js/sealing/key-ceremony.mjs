// OpenLPSE: the Pokja chair's key ceremony (partial bids/widgets/key_ceremony.html). Per
// envelope a committee key (ECDH P-256) is made here, its private scalar split k-of-n (a
// majority) with the Shamir library, each share sealed to a member's personal key, and only
// the public key, the sealed shares and their hashes are posted. The scalar is then wiped.

import { b64, hex, sha256 } from "./format.mjs";
import { makeCommitteeKey, scalarMatchesPublic, sealSharesForMembers, shareContext } from "./shares.mjs";
import { Messages, busy, groups, postJson, serverMessage, setProgress, setStatus } from "./ui.mjs";

/** The envelope names of the material: ["single"] or [{envelope: "single"}, ...]. */
export function envelopeNames(material) {
  return (material.envelopes || []).map((e) => (typeof e === "string" ? e : e.envelope || e.name));
}

/** The context of a member's slot: given by the server (material.contexts[env][user_id]) or
 * built as "<tender>/<envelope>/g<generation>/u<user id>". */
export function contextFor(material, envelope, userId, generation) {
  const given = material.contexts && material.contexts[envelope] && material.contexts[envelope][String(userId)];
  return given || shareContext(material.tender, envelope, generation || material.generation || 1, userId);
}

/** Build the whole payload of committee_keys_store: {envelopes: {env: {public_key, threshold,
 * shares}}} plus the committee fingerprints, for display. */
export async function buildCeremony(material, onStep = () => {}) {
  const members = material.members || [];
  const n = members.length;
  const k = material.threshold || Math.floor(n / 2) + 1; // a majority
  const names = envelopeNames(material);
  const envelopes = {};
  const fingerprints = {};
  let step = 0;
  for (const env of names) {
    const key = await makeCommitteeKey();
    try {
      if (!(await scalarMatchesPublic(key.scalar, key.publicRaw))) throw new Error("key check failed");
      const sealed = await sealSharesForMembers(key.scalar, members, k, (m) => contextFor(material, env, m.user_id));
      envelopes[env] = { public_key: b64(key.publicRaw), threshold: k, shares: sealed.shares };
      fingerprints[env] = hex(await sha256(key.publicRaw));
    } finally {
      key.scalar.fill(0); // wipe
    }
    onStep(++step, names.length);
  }
  return { payload: { envelopes }, fingerprints };
}

function init(root) {
  const config = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const msg = new Messages(root);
  const list = root.querySelector("[data-fingerprints]");
  const status = (name, params, kind) => setStatus(root, msg.get(name, params), kind);

  root.querySelector("[data-action=make]").addEventListener("click", async () => {
    const material = config.material || {};
    const members = material.members || [];
    if (members.length < 1 || members.some((m) => !m.public_key)) return status("members_missing", {}, "error");
    busy(root, true);
    try {
      status("making");
      const built = await buildCeremony(material, (done, total) => setProgress(root, "ceremony", done, total, msg));
      status("storing");
      const answer = await postJson(config.store_url, built.payload, config.csrf_token);
      if (!answer.ok) {
        setStatus(root, serverMessage(answer.data) || msg.get("store_failed"), "error");
        return;
      }
      list.replaceChildren();
      for (const [env, fp] of Object.entries(built.fingerprints)) {
        const dt = document.createElement("dt");
        dt.textContent = msg.get(`envelope_${env}`) || env;
        const dd = document.createElement("dd");
        const code = document.createElement("code");
        code.textContent = groups(fp);
        dd.append(code);
        list.append(dt, dd);
      }
      list.closest("[data-result]").hidden = false;
      status("stored", {}, "ok");
      if (answer.data && answer.data.redirect) window.location.assign(answer.data.redirect);
    } catch (exc) {
      status("unexpected", { detail: exc && exc.message ? exc.message : String(exc) }, "error");
    } finally {
      busy(root, false);
    }
  });
  root.dataset.ready = "true";
}

if (globalThis.document) {
  for (const root of document.querySelectorAll("[data-sealing-widget=key_ceremony]")) init(root);
}
