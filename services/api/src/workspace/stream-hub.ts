import type { WorkspaceChange } from "@homeward/db";
import { canReadOrganization, type Principal } from "../auth/principal.ts";
import type { SessionCheck } from "../auth/session-check.ts";

/** Why the api ends a live stream (sent to the client as the `end` event). */
export type StreamEndReason = "session_ended" | "shutdown" | "too_slow";

/** One open `GET /api/stream`: who it is for and how to write to it. */
export interface StreamSubscriber {
  sessionId: string;
  /** The user as the last session check saw them (their organizations may change while connected). */
  principal: Principal;
  /** Set when the stream asked for one organization's changes only. */
  organizationId?: string | undefined;
  send(change: WorkspaceChange): void;
  /** Changes may have been missed (the database connection was lost): reload everything. */
  resync(): void;
  end(reason: StreamEndReason): void;
}

/**
 * The fan-out of workspace changes to the open streams of this api process. A change reaches a
 * stream only when its principal may read the change's organization (as a list read would), and
 * carries only the organization id and the kind, never patient data.
 */
export interface StreamHub {
  /** Adds a stream; answers its removal, or undefined when the user already has `maxPerUser` open. */
  add(subscriber: StreamSubscriber): (() => void) | undefined;
  publish(change: WorkspaceChange): void;
  resync(): void;
  /** Ends the streams of one session at once (sign-out in this process). */
  endSession(sessionId: string): void;
  endAll(reason: StreamEndReason): void;
  /** Open streams, of one user or in all. */
  count(subject?: string): number;
}

export function createStreamHub(options: { maxPerUser: number }): StreamHub {
  const subscribers = new Set<StreamSubscriber>();
  const count = (subject?: string) =>
    subject === undefined
      ? subscribers.size
      : [...subscribers].filter((s) => s.principal.subject === subject).length;
  return {
    add(subscriber) {
      if (count(subscriber.principal.subject) >= options.maxPerUser) return undefined;
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    publish(change) {
      for (const s of subscribers) {
        if (s.organizationId !== undefined && s.organizationId !== change.organizationId) continue;
        if (canReadOrganization(s.principal, change.organizationId)) s.send(change);
      }
    },
    resync() {
      for (const s of subscribers) s.resync();
    },
    endSession(sessionId) {
      for (const s of [...subscribers]) if (s.sessionId === sessionId) s.end("session_ended");
    },
    endAll(reason) {
      for (const s of [...subscribers]) s.end(reason);
    },
    count,
  };
}

/** The session check, whose `forget` (sign-out in this process) also ends that session's streams. */
export function endingStreamsOnForget(check: SessionCheck, hub: StreamHub): SessionCheck {
  return {
    check: (token) => check.check(token),
    forget(sessionId) {
      check.forget(sessionId);
      hub.endSession(sessionId);
    },
  };
}
