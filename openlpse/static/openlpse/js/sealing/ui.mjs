// OpenLPSE sealing widgets: small helpers shared by the page controllers. Every user-facing
// sentence comes from the partial's markup ([data-msg] elements, translated by Django), never
// from this code; "{name}" placeholders are filled in here.

/** The widget's JSON config, rendered by the partial with json_script. */
export function readConfig(name) {
  const node = document.getElementById(`${name}-config`);
  return node ? JSON.parse(node.textContent) : null;
}

export class Messages {
  constructor(root) {
    this.root = root;
  }
  get(key, params = {}) {
    const node = this.root.querySelector(`[data-msg="${key}"]`);
    let text = node ? node.textContent.trim() : key;
    for (const [name, value] of Object.entries(params)) text = text.split(`{${name}}`).join(String(value));
    return text;
  }
}

/** Put a sentence in the widget's live region; kind = "info" | "ok" | "error". */
export function setStatus(root, text, kind = "info") {
  const node = root.querySelector("[data-status]");
  if (!node) return;
  node.textContent = text;
  node.dataset.kind = kind;
  node.setAttribute("role", kind === "error" ? "alert" : "status");
  node.hidden = !text;
}

/** Update a <progress> (value, aria-valuenow) and its text; total 0 hides it. */
export function setProgress(root, name, done, total, messages) {
  const box = root.querySelector(`[data-progress="${name}"]`);
  if (!box) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-progress-text]");
  const percent = total > 0 ? Math.floor((done * 100) / total) : 100;
  box.hidden = false;
  bar.max = 100;
  bar.value = percent;
  bar.setAttribute("aria-valuenow", String(percent));
  bar.setAttribute("aria-valuetext", `${percent} %`);
  if (label) {
    label.textContent = messages.get(`progress_${name}`, {
      percent: `${percent}%`, done: formatBytes(done), total: formatBytes(total),
    });
  }
}

export function percentOf(done, total) {
  return `${total > 0 ? Math.floor((done * 100) / total) : 100}%`;
}

export function formatBytes(n) {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} B`;
}

/** POST JSON to a page endpoint with the CSRF token; resolves with {ok, status, data}. */
export async function postJson(url, body, csrfToken) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch { /* not JSON */ }
  return { ok: response.ok, status: response.status, data };
}

/** The server's own sentence from an error answer, if it sent one. */
export function serverMessage(data) {
  if (!data || typeof data !== "object") return "";
  // The API answers {"error": {"code", "message"}}; page endpoints {"detail": "..."}.
  if (data.error && typeof data.error === "object") return String(data.error.message || "");
  return String(data.detail || data.message || data.error || "");
}

export function busy(root, on) {
  root.setAttribute("aria-busy", on ? "true" : "false");
  for (const button of root.querySelectorAll("button[data-action]")) button.disabled = on;
}

/** Read a chosen file as text. */
export function readFileText(input) {
  const file = input.files && input.files[0];
  return file ? file.text() : Promise.resolve(null);
}

/** The fingerprint in groups of four. */
export function groups(fp) {
  return (String(fp).match(/.{1,4}/g) || []).join(" ").toUpperCase();
}
