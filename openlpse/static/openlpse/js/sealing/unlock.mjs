// OpenLPSE: the part shared by the widgets that open a member's share with their key file
// (share_unlock, resplit_handover, resplit_complete): read the chosen key file and passphrase.

import { KeyFileError, readKeyFile } from "./keyfile.mjs";

/** Read the key file chosen in root's [data-input=keyfile] with [data-input=passphrase].
 * Returns the reader's result, or throws KeyFileError ("no_file", "not_a_key_file",
 * "wrong_passphrase"). The passphrase field is cleared. */
export async function unlockKeyFile(root) {
  const input = root.querySelector("[data-input=keyfile]");
  const pass = root.querySelector("[data-input=passphrase]");
  const file = input.files && input.files[0];
  if (!file) throw new KeyFileError("no_file", "no key file chosen");
  const text = await file.text();
  const passphrase = pass.value;
  pass.value = "";
  return readKeyFile(text, passphrase);
}

/** The message key for an error of the key file or of the share. */
export function errorKey(exc) {
  if (exc && exc.code === "no_file") return "no_key_file";
  if (exc && exc.code === "not_a_key_file") return "not_key_file";
  if (exc && exc.code === "wrong_passphrase") return "wrong_passphrase";
  if (exc && exc.code === "share_open") return "share_not_yours";
  if (exc && exc.code === "share_mismatch") return "share_mismatch";
  if (exc && exc.code === "bad_share") return "share_mismatch";
  return null;
}
