// OpenLPSE: the vendor's sealed-bid upload widget (partial bids/widgets/bid_upload.html).
//
// Choose a PDF or ZIP -> check type (magic bytes) and size -> seal in the browser, chunk by chunk,
// into OPFS (or memory) with a self-check -> tus upload, resumable after a reload -> finalize ->
// show the signed receipt and compare its SHA-256 with the one computed here. LT 31(2)-(3),
// KA 4: the plaintext never leaves the browser.

import { SealError, openSink, readOpfsFile, removeOpfsFile, sealBlob } from "./seal.mjs";
import { TusError, TusUpload, forgetUpload, recallUpload, rememberUpload } from "./tus.mjs";
import { Messages, busy, formatBytes, percentOf, serverMessage, setProgress, setStatus } from "./ui.mjs";

const MAGIC = { pdf: [0x25, 0x50, 0x44, 0x46], zip: [0x50, 0x4b, 0x03, 0x04] };

async function detectType(file) {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  for (const [type, magic] of Object.entries(MAGIC)) {
    if (magic.every((b, i) => head[i] === b)) return type;
  }
  return null;
}

function storageKey(config) {
  return `openlpse-upload:${config.tender}:${config.envelope}:${config.bidder}`;
}

function fill(template, values) {
  let out = String(template || "");
  for (const [k, v] of Object.entries(values)) out = out.split(`{${k}}`).join(encodeURIComponent(String(v ?? "")));
  return out;
}

function init(root) {
  const config = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const msg = new Messages(root);
  const input = root.querySelector("input[type=file]");
  const startButton = root.querySelector("[data-action=start]");
  const resumeBox = root.querySelector("[data-resume]");
  const receiptBox = root.querySelector("[data-receipt]");
  const key = storageKey(config);
  let running = false;

  const status = (name, params, kind) => setStatus(root, msg.get(name, params), kind);
  // The live region speaks at every tenth, not at every chunk (the bars show the rest).
  let announced = "";
  const announce = (name, done, total) => {
    const tenth = `${name}:${total ? Math.floor((done * 10) / total) : 10}`;
    if (tenth === announced) return;
    announced = tenth;
    status(name, { percent: percentOf(done, total) });
  };

  // The receipt's UTC time shown in the LPSE's zone (the signed receipt keeps UTC).
  function localTime(iso, zone) {
    if (!iso) return "";
    try {
      const text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "long", timeStyle: "long", timeZone: zone || undefined,
      }).format(new Date(iso));
      return `${text} (${iso})`;
    } catch {
      return iso;
    }
  }

  function showReceipt(data, local) {
    const doc = data && data.receipt && typeof data.receipt === "object" && data.receipt.receipt ? data.receipt : data;
    const fields = (doc && doc.receipt) || doc || {};
    receiptBox.hidden = false;
    receiptBox.querySelector("[data-field=receipt_number]").textContent = fields.receipt_number || "";
    receiptBox.querySelector("[data-field=received_at]").textContent = localTime(fields.received_at, config.time_zone);
    receiptBox.querySelector("[data-field=file_name]").textContent = fields.file_name || local.fileName || "";
    receiptBox.querySelector("[data-field=size]").textContent = fields.size != null ? formatBytes(fields.size) : "";
    receiptBox.querySelector("[data-field=server_sha256]").textContent = fields.ciphertext_sha256 || "";
    receiptBox.querySelector("[data-field=local_sha256]").textContent = local.sha256;
    const match = fields.ciphertext_sha256 === local.sha256;
    const verdict = receiptBox.querySelector("[data-field=match]");
    verdict.textContent = msg.get(match ? "hash_match" : "hash_mismatch");
    verdict.dataset.kind = match ? "ok" : "error";
    const link = receiptBox.querySelector("[data-receipt-link]");
    if (link && config.receipt_url_template) {
      link.href = fill(config.receipt_url_template, {
        id: local.uploadId, upload_id: local.uploadId, receipt_number: fields.receipt_number,
        submission: data && (data.submission_id || data.submission),
      });
      link.hidden = false;
    }
    status(match ? "done" : "hash_mismatch", {}, match ? "ok" : "error");
    // The page's list of versions was rendered before this upload: say so next to it.
    for (const note of document.querySelectorAll("[data-bid-versions-stale]")) {
      if (note.dataset.bidVersionsStale === config.envelope) note.hidden = false;
    }
    receiptBox.focus();
  }

  async function finalize(url, uploadId, local) {
    const target = fill(config.finalize_url_template, { id: uploadId });
    status("finalizing");
    for (let attempt = 0; attempt < 5; attempt++) {
      let response;
      try {
        response = await fetch(target, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": config.csrf_token },
          body: JSON.stringify({ sha256: local.sha256 }),
        });
      } catch {
        await new Promise((r) => setTimeout(r, 1500 * (attempt + 1)));
        continue; // finalize is exactly-once on the server: a retry returns the same receipt
      }
      let data = null;
      try {
        data = await response.json();
      } catch { /* not JSON */ }
      if (response.ok) return data;
      if (response.status >= 500 && response.status !== 507) {
        await new Promise((r) => setTimeout(r, 1500 * (attempt + 1)));
        continue;
      }
      const error = new Error(serverMessage(data) || msg.get("finalize_failed"));
      error.refused = true;
      throw error;
    }
    throw new Error(msg.get("finalize_failed"));
  }

  async function upload(blob, local) {
    const saved = recallUpload(key) || {};
    const tus = new TusUpload({
      endpoint: config.tus_endpoint,
      file: blob,
      chunkSize: config.chunk_size || 1024 * 1024,
      url: saved.url || null,
      headers: { "X-CSRFToken": config.csrf_token },
      metadata: { filename: local.fileName, tender: config.tender, envelope: config.envelope, sha256: local.sha256 },
      onUrl: (url) => rememberUpload(key, { ...local, url }),
      onProgress: (done, total) => {
        setProgress(root, "upload", done, total, msg);
        announce("uploading", done, total);
      },
      onRetry: ({ delay, status: code }) => status(code === 507 ? "server_full" : "retrying", { seconds: Math.round(delay / 1000) }),
    });
    const url = await tus.start();
    const data = await finalize(url, tus.id, { ...local, uploadId: tus.id });
    forgetUpload(key);
    await removeOpfsFile(local.opfs);
    showReceipt(data, { ...local, uploadId: tus.id });
  }

  function explain(exc) {
    if (exc instanceof SealError) {
      status(exc.code === "self_check" ? "self_check_failed" : exc.code === "read" ? "read_failed" : "storage_failed", {}, "error");
    } else if (exc instanceof TusError) {
      if (exc.code === "refused" && exc.detail) setStatus(root, exc.detail, "error");
      else if (exc.code === "gone") status("upload_gone", {}, "error");
      else status("network_failed", {}, "error");
    } else if (exc && exc.refused) {
      setStatus(root, exc.message, "error");
    } else {
      status("unexpected", { detail: exc && exc.message ? exc.message : String(exc) }, "error");
    }
  }

  async function run(action) {
    if (running) return;
    running = true;
    busy(root, true);
    try {
      await action();
    } catch (exc) {
      explain(exc);
    } finally {
      running = false;
      busy(root, false);
    }
  }

  async function start() {
    receiptBox.hidden = true;
    const file = input.files && input.files[0];
    if (!file) return status("choose_file", {}, "error");
    if (config.deadline && Date.now() >= Date.parse(config.deadline)) return status("deadline_passed", {}, "error");
    if (file.size === 0) return status("empty_file", {}, "error");
    if (config.max_bytes && file.size > config.max_bytes) {
      return status("too_large", { max: formatBytes(config.max_bytes), size: formatBytes(file.size) }, "error");
    }
    const accepted = (config.accepted || ["pdf", "zip"]).map((t) => String(t).toLowerCase());
    const ext = (file.name.split(".").pop() || "").toLowerCase();
    const type = await detectType(file);
    if (!type || !accepted.includes(type) || !accepted.includes(ext) || ext !== type) {
      return status("wrong_type", { accepted: accepted.map((t) => t.toUpperCase()).join(", ") }, "error");
    }
    forgetUpload(key);
    const opfs = `openlpse-${config.tender}-${config.envelope}-${Date.now()}.sealed`.replace(/[^A-Za-z0-9._-]/g, "_");
    const sink = await openSink(opfs);
    status("sealing", { percent: "0%" });
    const sealed = await sealBlob(file, {
      tender: config.tender,
      envelope: config.envelope,
      bidder: config.bidder,
      committeePublic: config.committee_public,
      systemPublic: config.system_public,
      chunk: config.chunk_size || 1024 * 1024,
      sink,
      onProgress: (done, total) => {
        setProgress(root, "seal", done, total, msg);
        announce("sealing", done, total);
      },
    });
    const local = {
      fileName: file.name, sha256: sealed.ciphertextSha256, size: sealed.size,
      opfs: sink.kind === "opfs" ? sink.name : null,
    };
    rememberUpload(key, { ...local, url: null });
    status("sealed", { sha256: sealed.ciphertextSha256 }, "info");
    await upload(sealed.blob, local);
  }

  async function resume() {
    const saved = recallUpload(key);
    const blob = saved ? await readOpfsFile(saved.opfs) : null;
    if (!saved || !blob || blob.size !== saved.size) {
      forgetUpload(key);
      resumeBox.hidden = true;
      return status("resume_lost", {}, "error");
    }
    resumeBox.hidden = true;
    await upload(blob, saved);
  }

  startButton.addEventListener("click", () => run(start));
  root.querySelector("[data-action=resume]").addEventListener("click", () => run(resume));
  root.querySelector("[data-action=discard]").addEventListener("click", async () => {
    const saved = recallUpload(key);
    forgetUpload(key);
    if (saved) await removeOpfsFile(saved.opfs);
    resumeBox.hidden = true;
    status("discarded");
  });

  // A sealed file waiting from before a reload: offer to resume it.
  const saved = recallUpload(key);
  if (saved && saved.opfs) {
    readOpfsFile(saved.opfs).then((blob) => {
      if (blob && blob.size === saved.size) {
        resumeBox.querySelector("[data-field=resume_name]").textContent = saved.fileName;
        resumeBox.hidden = false;
      } else {
        forgetUpload(key);
      }
    });
  } else if (saved) {
    forgetUpload(key); // sealed in memory only: nothing to resume after a reload
  }
  root.dataset.ready = "true";
}

for (const root of document.querySelectorAll("[data-sealing-widget=bid_upload]")) init(root);
