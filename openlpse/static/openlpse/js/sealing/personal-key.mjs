// OpenLPSE: a Pokja member makes their personal key (partial bids/widgets/personal_key.html).
// The key pair is made here; the private key leaves only inside the passphrase-protected key
// file that the member downloads and keeps. The server gets the public key, and the LPSE admin
// confirms its fingerprint with the member out of band.

import { MIN_PASSPHRASE, downloadKeyFile, makeKeyFile } from "./keyfile.mjs";
import { Messages, busy, groups, postJson, serverMessage, setStatus } from "./ui.mjs";

function init(root) {
  const config = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const msg = new Messages(root);
  const first = root.querySelector("[data-input=passphrase]");
  const second = root.querySelector("[data-input=passphrase2]");
  const result = root.querySelector("[data-result]");
  const retry = root.querySelector("[data-action=register]");
  const again = root.querySelector("[data-action=download]");
  let made = null;
  const status = (name, params, kind) => setStatus(root, msg.get(name, params), kind);

  async function register() {
    status("registering");
    const answer = await postJson(config.register_url, { public_key: made.publicB64 }, config.csrf_token);
    if (!answer.ok) {
      retry.hidden = false;
      setStatus(root, serverMessage(answer.data) || msg.get("register_failed"), "error");
      return;
    }
    retry.hidden = true;
    const serverFp = answer.data && answer.data.fingerprint;
    if (serverFp && serverFp !== made.fingerprint) {
      status("fingerprint_differs", {}, "error");
      return;
    }
    status("registered", {}, "ok");
  }

  root.querySelector("[data-action=make]").addEventListener("click", async () => {
    const one = first.value;
    if (one.length < MIN_PASSPHRASE) return status("too_short", { min: MIN_PASSPHRASE }, "error");
    if (one !== second.value) return status("no_match", {}, "error");
    busy(root, true);
    try {
      status("making");
      made = await makeKeyFile({ user: config.username, lpse: config.lpse, passphrase: one });
      first.value = "";
      second.value = "";
      downloadKeyFile(made.file, config.username);
      result.hidden = false;
      result.querySelector("[data-field=fingerprint]").textContent = groups(made.fingerprint);
      again.hidden = false;
      await register();
    } catch (exc) {
      status("unexpected", { detail: exc && exc.message ? exc.message : String(exc) }, "error");
    } finally {
      busy(root, false);
    }
  });
  retry.addEventListener("click", async () => {
    busy(root, true);
    try {
      await register();
    } finally {
      busy(root, false);
    }
  });
  again.addEventListener("click", () => made && downloadKeyFile(made.file, config.username));
  root.dataset.ready = "true";
}

for (const root of document.querySelectorAll("[data-sealing-widget=personal_key]")) init(root);
