// OpenLPSE sealing: a small tus 1.0 client (creation, checksum sha256, resume by HEAD).
//
// POST creates the upload (Upload-Length, Upload-Metadata); PATCH sends one chunk at a time with
// Upload-Offset and Upload-Checksum "sha256 <base64>"; on a network error, a 5xx, 423, 429 or a
// checksum mismatch the client waits (backoff) and asks HEAD where the server is, then goes on
// from there. The upload's URL is kept in localStorage under a key per tender and envelope, so a
// reload (or a browser restart) resumes the same upload instead of starting again.

import { b64, utf8 } from "./format.mjs";

export const TUS_VERSION = "1.0.0";
export const DEFAULT_RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000, 30000, 30000];

export class TusError extends Error {
  constructor(code, status, detail) {
    super(`${code}${status ? ` (HTTP ${status})` : ""}: ${detail || ""}`);
    this.code = code; // "network", "refused", "gone", "server"
    this.status = status || 0;
    this.detail = detail || "";
  }
}

/** Remember / recall / forget what a reload needs to resume (localStorage, JSON). */
export function rememberUpload(key, info, storage = globalThis.localStorage) {
  try {
    storage.setItem(key, JSON.stringify(info));
  } catch { /* storage full or disabled: resume after reload will not be offered */ }
}

export function recallUpload(key, storage = globalThis.localStorage) {
  try {
    const text = storage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function forgetUpload(key, storage = globalThis.localStorage) {
  try {
    storage.removeItem(key);
  } catch { /* nothing to forget */ }
}

export function encodeMetadata(metadata) {
  return Object.entries(metadata)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${key} ${b64(utf8(String(value)))}`)
    .join(",");
}

/** The server's own message in an error answer (JSON detail/message/error), or its text. */
async function serverDetail(response) {
  let text = "";
  try {
    text = await response.text();
  } catch {
    return "";
  }
  try {
    const data = JSON.parse(text);
    if (data && typeof data === "object") {
      return String(data.detail || data.message || data.error || text);
    }
  } catch { /* not JSON */ }
  return text.slice(0, 500);
}

/** Read and drop an answer's body, so the browser does not report the request as aborted. */
async function drain(response) {
  try {
    await response.arrayBuffer();
  } catch { /* no body */ }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const RETRYABLE = new Set([423, 429, 460, 500, 502, 503, 504, 507]);

export class TusUpload {
  /**
   * options: endpoint, file (Blob), metadata (object), chunkSize, headers (e.g. X-CSRFToken),
   * url (a known upload URL to resume), onProgress(sent, total), onUrl(url) when created,
   * onRetry({attempt, delay, status, error}), retryDelays, fetch.
   */
  constructor(options) {
    this.options = options;
    this.file = options.file;
    this.chunkSize = options.chunkSize || 1024 * 1024;
    this.url = options.url || null;
    this.offset = 0;
    this.retryDelays = options.retryDelays || DEFAULT_RETRY_DELAYS;
    this.fetch = options.fetch || globalThis.fetch.bind(globalThis);
    this.aborted = false;
  }

  headers(extra) {
    return { "Tus-Resumable": TUS_VERSION, ...(this.options.headers || {}), ...extra };
  }

  request(method, url, init = {}) {
    return this.fetch(url, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      ...init,
      headers: this.headers(init.headers || {}),
    });
  }

  /** The upload's id: the last path segment of its URL. */
  get id() {
    if (!this.url) return null;
    const parts = new URL(this.url, globalThis.location ? globalThis.location.href : "http://x/").pathname
      .split("/").filter(Boolean);
    return parts[parts.length - 1] || null;
  }

  abort() {
    this.aborted = true;
  }

  /** Run to the end; resolves with the upload URL. Raises TusError. */
  async start() {
    if (this.url) {
      const offset = await this.withRetries(() => this.head(), "head");
      if (offset === null) this.url = null; // gone on the server: start afresh
      else this.offset = offset;
    }
    if (!this.url) {
      await this.withRetries(() => this.create(), "create");
      this.offset = 0;
    }
    this.progress();
    while (this.offset < this.file.size) {
      if (this.aborted) throw new TusError("aborted", 0, "stopped");
      await this.withRetries(() => this.patch(), "patch");
      this.progress();
    }
    return this.url;
  }

  progress() {
    if (this.options.onProgress) this.options.onProgress(this.offset, this.file.size);
  }

  async withRetries(action, what) {
    for (let attempt = 0; ; attempt++) {
      let error;
      try {
        return await action();
      } catch (exc) {
        error = exc instanceof TusError ? exc : new TusError("network", 0, String(exc && exc.message ? exc.message : exc));
      }
      const retryable = error.code === "network" || (error.code === "server" && RETRYABLE.has(error.status));
      if (!retryable || this.aborted || attempt >= this.retryDelays.length) throw error;
      const delay = this.retryDelays[attempt];
      if (this.options.onRetry) this.options.onRetry({ attempt: attempt + 1, delay, status: error.status, error, what });
      await sleep(delay);
      if (what === "patch" && this.url) {
        // Where is the server now? (A PATCH may have landed before the connection broke.)
        try {
          const offset = await this.head();
          if (offset === null) throw new TusError("gone", 410, "the upload is no longer on the server");
          this.offset = offset;
          if (this.offset >= this.file.size) return undefined;
        } catch (exc) {
          if (exc instanceof TusError && exc.code === "gone") throw exc;
          /* still offline: the next attempt tries again */
        }
      }
    }
  }

  async create() {
    const response = await this.request("POST", this.options.endpoint, {
      headers: {
        "Upload-Length": String(this.file.size),
        "Upload-Metadata": encodeMetadata(this.options.metadata || {}),
      },
    });
    if (response.status !== 201) await this.fail(response);
    await drain(response);
    const location = response.headers.get("Location");
    if (!location) throw new TusError("server", response.status, "no Location header");
    const base = globalThis.location ? globalThis.location.href : this.options.endpoint;
    this.url = new URL(location, new URL(this.options.endpoint, base)).href;
    if (this.options.onUrl) this.options.onUrl(this.url);
  }

  /** HEAD: the server's offset, or null when the upload is gone (404, 410, 403). */
  async head() {
    const response = await this.request("HEAD", this.url);
    if ([403, 404, 410].includes(response.status)) return null;
    if (!response.ok) await this.fail(response);
    await drain(response);
    const offset = Number(response.headers.get("Upload-Offset"));
    const length = response.headers.get("Upload-Length");
    if (!Number.isInteger(offset) || offset < 0) throw new TusError("server", response.status, "no Upload-Offset");
    if (length !== null && Number(length) !== this.file.size) return null; // another file
    return offset;
  }

  async patch() {
    const end = Math.min(this.file.size, this.offset + this.chunkSize);
    const body = new Uint8Array(await this.file.slice(this.offset, end).arrayBuffer());
    const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", body));
    const response = await this.request("PATCH", this.url, {
      headers: {
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": String(this.offset),
        "Upload-Checksum": `sha256 ${b64(digest)}`,
      },
      body,
    });
    if (response.status === 409) {
      await drain(response);
      // Offsets differ (a PATCH landed but its answer was lost): ask where the server is.
      const offset = await this.head();
      if (offset === null) throw new TusError("gone", 410, "the upload is no longer on the server");
      this.offset = offset;
      return;
    }
    if (response.status !== 204 && response.status !== 200) await this.fail(response);
    await drain(response);
    const offset = Number(response.headers.get("Upload-Offset"));
    this.offset = Number.isInteger(offset) && offset >= 0 ? offset : end;
  }

  async fail(response) {
    const detail = await serverDetail(response);
    if (response.status >= 500 || RETRYABLE.has(response.status)) {
      throw new TusError("server", response.status, detail);
    }
    if (response.status === 404 || response.status === 410) throw new TusError("gone", response.status, detail);
    throw new TusError("refused", response.status, detail);
  }
}
