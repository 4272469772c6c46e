// OpenLPSE: re-splitting a committee key after a change of Pokja before the deadline
// (partials bids/widgets/resplit_handover.html and resplit_complete.html).
//
// Handover (each old member): open your own share with your key file, seal it again to the
// chair's personal key under the context "<tender>/<envelope>/resplit<id>/u<member>", post it.
// Complete (the chair): open the handed-over shares with the chair's key file, combine them,
// check the rebuilt key against the published committee key, split it for the new members,
// seal each share to its member and post the new generation. The key is wiped afterwards.

import { openFromPersonalKey, sealToPersonalKey, shareContext } from "./envelope.mjs";
import { unb64 } from "./format.mjs";
import { Messages, busy, postJson, serverMessage, setStatus } from "./ui.mjs";
import { errorKey, unlockKeyFile } from "./unlock.mjs";

export function handoverContext(tender, envelope, resplitId, userId) {
  return `${tender}/${envelope}/resplit${resplitId}/u${userId}`;
}

/** Re-seal one's own share to the chair. */
export async function handOver(config, privateKey) {
  const share = await openFromPersonalKey(config.sealed, privateKey, config.context);
  try {
    const context = config.handover_context
      || handoverContext(config.tender, config.envelope, config.resplit_id, config.user_id);
    return await sealToPersonalKey(share, config.chair_public, context);
  } finally {
    share.fill(0);
  }
}

/** The chair's side: the payload of resplit_complete (new generation). */
export async function completeResplit(config, chairKey) {
  // Loaded here, not at the top: the handover page has no import map for the Shamir library.
  const { rebuildCommitteeScalar, sealSharesForMembers } = await import("./shares.mjs");
  const shares = [];
  try {
    for (const [memberId, sealed] of Object.entries(config.handovers || {})) {
      const context = (config.handover_contexts && config.handover_contexts[memberId])
        || handoverContext(config.tender, config.envelope, config.resplit_id, memberId);
      shares.push(await openFromPersonalKey(sealed, chairKey, context));
    }
    const scalar = await rebuildCommitteeScalar(shares, unb64(config.committee_public));
    try {
      const members = config.members || [];
      const k = config.threshold || Math.floor(members.length / 2) + 1;
      const generation = config.generation;
      const sealed = await sealSharesForMembers(scalar, members, k, (m) =>
        (config.contexts && config.contexts[String(m.user_id)])
          || shareContext(config.tender, config.envelope, generation, m.user_id));
      return { public_key: config.committee_public, threshold: k, generation, shares: sealed.shares };
    } finally {
      scalar.fill(0);
    }
  } finally {
    for (const s of shares) s.fill(0);
  }
}

function init(root, kind) {
  const config = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const msg = new Messages(root);
  const status = (name, params, level) => setStatus(root, msg.get(name, params), level);
  const button = root.querySelector("[data-action=go]");

  button.addEventListener("click", async () => {
    busy(root, true);
    try {
      status("opening");
      const key = await unlockKeyFile(root);
      const body = kind === "handover"
        ? { sealed_to_chair: await handOver(config, key.privateKey) }
        : await completeResplit(config, key.privateKey);
      status("sending");
      const answer = await postJson(config.post_url, body, config.csrf_token);
      if (!answer.ok) {
        setStatus(root, serverMessage(answer.data) || msg.get("post_failed"), "error");
        return;
      }
      status("done", {}, "ok");
      button.hidden = true;
      if (answer.data && answer.data.redirect) window.location.assign(answer.data.redirect);
    } catch (exc) {
      const name = errorKey(exc);
      if (name) status(name, {}, "error");
      else status("unexpected", { detail: exc && exc.message ? exc.message : String(exc) }, "error");
    } finally {
      busy(root, false);
    }
  });
  root.dataset.ready = "true";
}

if (globalThis.document) {
  for (const root of document.querySelectorAll("[data-sealing-widget=resplit_handover]")) init(root, "handover");
  for (const root of document.querySelectorAll("[data-sealing-widget=resplit_complete]")) init(root, "complete");
}
