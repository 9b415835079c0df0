// Live updates: one stream per session (GET /api/stream, server-sent events), read with fetch because
// EventSource cannot send the bearer token. It says only "an organization of yours changed" (an alert,
// a task); the open screen reloads what it shows. The tab title counts what arrived while the user
// was not looking ("(2) My tasks · Homeward") until the tab is looked at again.
import { getToken } from "./api.js";

/** Changes arriving this close together are one reload (a burst of ADT messages, a sweep). */
const GATHER_MS = 300;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/** Without a byte (event or heartbeat) for this many heartbeats, the stream is taken as dead. */
const SILENT_HEARTBEATS = 2.5;

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** `{ event, data }` of one server-sent event block; null for a comment (heartbeat). */
function parseBlock(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0 && event === "message") return null;
  try {
    return { event, data: data.length > 0 ? JSON.parse(data.join("\n")) : {} };
  } catch {
    return null;
  }
}

/**
 * Starts the session's live updates (`connect: false` for roles without a workspace: the title
 * helpers only). `onSessionEnded` is called when the api ends the stream for sign-out or an
 * expired session, or refuses it (401). Answers:
 * - `onWorkspaceChange(callback)`: `callback(changes)` after each gathered burst of changes
 *   (`{ kind: "event" | "task" | "resync", organizationId? }`); answers the unsubscribe;
 * - `noteNew(n)`: n new items arrived; counted in the title while the tab is not looked at;
 * - `setTitle(text)`: the page title, with the count in front when there is one;
 * - `status()`: "connecting", "live" or "reconnecting"; `onStatus(callback)` to follow it;
 * - `stop()`: at sign-out.
 */
export function createLive({ connect = true, onSessionEnded = () => {} } = {}) {
  const listeners = new Set();
  const statusListeners = new Set();
  const stopper = new AbortController();
  let pending = [];
  let gatherTimer;
  let unseen = 0;
  let baseTitle = document.title;
  let blurred = false;
  let state = "connecting";
  let connectedBefore = false;

  const setStatus = (next) => {
    if (state === next) return;
    state = next;
    for (const listener of statusListeners) listener(state);
  };
  const renderTitle = () => {
    document.title = unseen > 0 ? `(${unseen}) ${baseTitle}` : baseTitle;
  };
  const lookedAt = () => document.visibilityState === "visible" && !blurred;
  const seen = () => {
    if (!lookedAt() || unseen === 0) return;
    unseen = 0;
    renderTitle();
  };
  const onBlur = () => {
    blurred = true;
  };
  const onFocus = () => {
    blurred = false;
    seen();
  };
  window.addEventListener("blur", onBlur);
  window.addEventListener("focus", onFocus);
  document.addEventListener("visibilitychange", seen);

  function emit(change) {
    pending.push(change);
    clearTimeout(gatherTimer);
    gatherTimer = setTimeout(() => {
      const changes = pending;
      pending = [];
      for (const listener of listeners) {
        try {
          listener(changes);
        } catch (error) {
          console.error(error);
        }
      }
    }, GATHER_MS);
  }

  /** One connection: resolves with why it ended ("session_ended", "shutdown", "refused", "lost"...). */
  async function once() {
    const connection = new AbortController();
    const abort = () => connection.abort();
    stopper.signal.addEventListener("abort", abort);
    let silence;
    let heartbeatMs = 25_000;
    const watch = () => {
      clearTimeout(silence);
      silence = setTimeout(abort, heartbeatMs * SILENT_HEARTBEATS);
    };
    try {
      const token = getToken();
      if (!token) return "session_ended";
      const response = await fetch("/api/stream", {
        headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
        signal: connection.signal,
      });
      if (response.status === 401) return "session_ended";
      if (response.status === 429) return "refused";
      if (!response.ok || !response.body) return "lost";
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let ended = "lost";
      watch();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        watch();
        buffer += value.replace(/\r\n?/g, "\n");
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const message = parseBlock(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf("\n\n");
          if (!message) continue;
          if (message.event === "ready") {
            heartbeatMs = (Number(message.data.heartbeatSeconds) || 25) * 1000;
            watch();
            setStatus("live");
            // Whatever changed while there was no stream is unknown: the screens reload.
            if (connectedBefore) emit({ kind: "resync" });
            connectedBefore = true;
          } else if (message.event === "change") emit(message.data);
          else if (message.event === "resync") emit({ kind: "resync" });
          else if (message.event === "end") ended = message.data.reason ?? "lost";
        }
      }
      return ended;
    } catch {
      return "lost";
    } finally {
      clearTimeout(silence);
      stopper.signal.removeEventListener("abort", abort);
    }
  }

  async function run() {
    let failures = 0;
    while (!stopper.signal.aborted) {
      const why = await once();
      if (stopper.signal.aborted) return;
      if (why === "session_ended") {
        onSessionEnded();
        return;
      }
      if (state === "live") failures = 0;
      setStatus("reconnecting");
      // Too many tabs: try again much later. A shutdown or a dropped stream: soon, with jitter.
      const base = why === "refused" ? MAX_RETRY_MS : Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
      failures++;
      await sleep(base * (0.75 + Math.random() / 2), stopper.signal);
    }
  }

  if (connect) run();

  return {
    onWorkspaceChange(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    onStatus(callback) {
      statusListeners.add(callback);
      callback(state);
      return () => statusListeners.delete(callback);
    },
    status: () => state,
    noteNew(n) {
      if (!(n > 0) || lookedAt()) return;
      unseen += n;
      renderTitle();
    },
    setTitle(text) {
      baseTitle = text;
      renderTitle();
    },
    stop() {
      stopper.abort();
      clearTimeout(gatherTimer);
      listeners.clear();
      statusListeners.clear();
      window.removeEventListener("blur", onBlur);
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", seen);
    },
  };
}
