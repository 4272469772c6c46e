// OpenLPSE: a Pokja member unlocks their share at the opening ceremony (partial
// bids/widgets/share_unlock.html): the key file and passphrase open the personal key here, the
// personal key opens the sealed share, and the share (33 bytes) is posted for the server to
// combine with the others (LT 31(3): opening needs k members).

import { openFromPersonalKey } from "./envelope.mjs";
import { b64, hex, sha256 } from "./format.mjs";
import { Messages, busy, postJson, serverMessage, setStatus } from "./ui.mjs";
import { errorKey, unlockKeyFile } from "./unlock.mjs";

function init(root) {
  const config = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const msg = new Messages(root);
  const status = (name, params, kind) => setStatus(root, msg.get(name, params), kind);

  root.querySelector("[data-action=unlock]").addEventListener("click", async () => {
    busy(root, true);
    let share = null;
    try {
      status("opening");
      const key = await unlockKeyFile(root);
      share = await openFromPersonalKey(config.sealed, key.privateKey, config.context);
      if (config.share_sha256 && hex(await sha256(share)) !== config.share_sha256) {
        return status("share_mismatch", {}, "error");
      }
      status("sending");
      const answer = await postJson(config.offer_url, { share: b64(share) }, config.csrf_token);
      if (!answer.ok) {
        setStatus(root, serverMessage(answer.data) || msg.get("offer_failed"), "error");
        return;
      }
      status("offered", {}, "ok");
      root.querySelector("[data-action=unlock]").hidden = true;
      if (answer.data && answer.data.redirect) window.location.assign(answer.data.redirect);
    } catch (exc) {
      const name = errorKey(exc);
      if (name) status(name, {}, "error");
      else status("unexpected", { detail: exc && exc.message ? exc.message : String(exc) }, "error");
    } finally {
      if (share) share.fill(0);
      busy(root, false);
    }
  });
  root.dataset.ready = "true";
}

for (const root of document.querySelectorAll("[data-sealing-widget=share_unlock]")) init(root);
