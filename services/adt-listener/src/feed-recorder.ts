import type { ConnectionInfo } from "@homeward/contracts";
import type { FeedConnectionState, FeedCount } from "@homeward/facilities";
import type { MessageResult } from "./ingest.ts";

const HOUR_MS = 3_600_000;
/** Facility and application names from senders not configured: at most this many kept apart per process. */
const MAX_UNKNOWN_SOURCES = 200;
const OTHER = "(other)";
const UNREADABLE = "(unreadable)";

type Answer = "accepted" | "errors" | "rejected";
const ANSWER: Record<MessageResult["outcome"], Answer> = {
  accepted: "accepted",
  duplicate: "accepted",
  error: "errors",
  rejected: "rejected",
  unavailable: "rejected",
};

/** Printable, short: MSH-3/MSH-4 come from unauthenticated input and end up on a screen. */
const clean = (value: string, max: number) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  value.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, max);

const countKey = (facility: string, application: string, listenerId: string, address: string, hour: Date) =>
  [facility, application, listenerId, address, hour.getTime()].join("\u0000");

interface Pending extends Omit<FeedCount, "errorCodes"> {
  errorCodes: Map<string, { code: string; text: string; count: number }>;
}

/**
 * Counts each answered message for feed operations, per facility (MSH-4, MSH-3), connection and
 * hour, and keeps the state of each connection that has sent something; `drain` hands over what
 * changed since the last call, for one write to the database. Names of senders nobody configured
 * are kept (they are what onboarding needs to see) but bounded: past MAX_UNKNOWN_SOURCES a sender
 * cannot grow the tables, and its names are counted as "(other)".
 */
export class FeedRecorder {
  readonly #isConfigured: (facility: string) => boolean;
  #counts = new Map<string, Pending>();
  readonly #connections = new Map<string, FeedConnectionState & { dirty: boolean }>();
  readonly #unknownSources = new Set<string>();

  constructor(isConfigured: (facility: string) => boolean) {
    this.#isConfigured = isConfigured;
  }

  /** The names a message is counted under: configured as sent, others bounded. */
  #source(result: MessageResult): { facility: string; application: string } {
    const facility = result.facility === "" ? UNREADABLE : clean(result.facility, 64);
    const application = clean(result.application, 64);
    const key = `${facility}\u0000${application}`;
    if (this.#unknownSources.has(key)) return { facility, application };
    if (this.#unknownSources.size < MAX_UNKNOWN_SOURCES) {
      this.#unknownSources.add(key);
      return { facility, application };
    }
    return this.#isConfigured(facility)
      ? { facility, application: OTHER }
      : { facility: OTHER, application: "" };
  }

  record(result: MessageResult, connection: ConnectionInfo, at: Date): void {
    const { facility, application } = this.#source(result);
    const hour = new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
    const key = countKey(facility, application, connection.listenerId, connection.remoteAddress, hour);
    let count = this.#counts.get(key);
    if (count === undefined) {
      count = {
        sendingFacility: facility,
        sendingApplication: application,
        listenerId: connection.listenerId,
        remoteAddress: connection.remoteAddress,
        hour,
        accepted: 0,
        errors: 0,
        rejected: 0,
        firstMessageAt: at,
        lastMessageAt: at,
        errorCodes: new Map(),
      };
      this.#counts.set(key, count);
    }
    count[ANSWER[result.outcome]]++;
    if (at > count.lastMessageAt) count.lastMessageAt = at;
    if (result.error !== undefined && result.outcome !== "accepted" && result.outcome !== "duplicate") {
      const code = clean(result.error.code, 8);
      const seen = count.errorCodes.get(code);
      count.errorCodes.set(code, {
        code,
        text: clean(result.error.text, 200),
        count: (seen?.count ?? 0) + 1,
      });
    }
    const id = connection.connectionId;
    if (id === undefined) return;
    const state = this.#connections.get(id);
    if (state === undefined) {
      this.#connections.set(id, {
        connectionId: id,
        listenerId: connection.listenerId,
        remoteAddress: connection.remoteAddress,
        tls: connection.tls,
        ...(connection.clientCertificateSubject === undefined
          ? {}
          : { clientCertificateSubject: connection.clientCertificateSubject }),
        sendingFacility: facility,
        sendingApplication: application,
        openedAt: at,
        lastMessageAt: at,
        messages: 1,
        dirty: true,
      });
      return;
    }
    state.sendingFacility = facility;
    state.sendingApplication = application;
    state.lastMessageAt = at;
    state.messages++;
    state.dirty = true;
  }

  /** A connection closed (only one that sent something is known here). */
  closed(connection: ConnectionInfo, at: Date): void {
    const state =
      connection.connectionId === undefined ? undefined : this.#connections.get(connection.connectionId);
    if (state === undefined) return;
    state.closedAt = at;
    state.dirty = true;
  }

  /** What changed since the last drain: counts to add, connection states to write. */
  drain(): { counts: FeedCount[]; connections: FeedConnectionState[] } {
    const counts = [...this.#counts.values()].map((c) => ({ ...c, errorCodes: [...c.errorCodes.values()] }));
    this.#counts = new Map();
    const connections: FeedConnectionState[] = [];
    for (const [id, state] of this.#connections) {
      if (!state.dirty) continue;
      state.dirty = false;
      const { dirty: _dirty, ...rest } = state;
      connections.push(rest);
      if (state.closedAt !== undefined) this.#connections.delete(id);
    }
    return { counts, connections };
  }

  /** Puts back what a failed write did not store, merged with what came since. */
  restore(drained: { counts: FeedCount[]; connections: FeedConnectionState[] }): void {
    for (const c of drained.counts) {
      const key = countKey(c.sendingFacility, c.sendingApplication, c.listenerId, c.remoteAddress, c.hour);
      const now = this.#counts.get(key);
      if (now === undefined) {
        this.#counts.set(key, { ...c, errorCodes: new Map(c.errorCodes.map((e) => [e.code, { ...e }])) });
        continue;
      }
      now.accepted += c.accepted;
      now.errors += c.errors;
      now.rejected += c.rejected;
      if (c.firstMessageAt < now.firstMessageAt) now.firstMessageAt = c.firstMessageAt;
      for (const e of c.errorCodes) {
        const seen = now.errorCodes.get(e.code);
        now.errorCodes.set(e.code, {
          code: e.code,
          text: seen?.text ?? e.text,
          count: (seen?.count ?? 0) + e.count,
        });
      }
    }
    for (const s of drained.connections) {
      const state = this.#connections.get(s.connectionId);
      if (state !== undefined) state.dirty = true;
      else if (s.closedAt !== undefined) this.#connections.set(s.connectionId, { ...s, dirty: true });
    }
  }
}
