import type { Principal } from "./principal.ts";
import type { TokenService } from "./tokens.ts";

/** A request's session: who is calling now (from the users table, not the token) and which sign-in. */
export interface Session {
  principal: Principal;
  sessionId: string;
}

/** Turns a bearer token into the caller's current session; forgets a session this process ended. */
export interface SessionCheck {
  /** The session a token stands for while it is open and its user active; undefined otherwise. */
  check(token: string): Promise<Session | undefined>;
  /** Drops a session's remembered answer, so its end takes effect here on the next request. */
  forget(sessionId: string): void;
}

/** At most this many sessions remembered; the oldest answer goes first. */
const MAX_ENTRIES = 10_000;

/**
 * Every authenticated request asks the database whether its session is still open and who its user
 * is now (role, organizations, active), so sign-out, disabling a user and a changed role or
 * organization list apply without waiting for the token to expire. The answer, good or bad, is
 * remembered for `cacheSeconds` (0: ask every time) to spare the database a query per request;
 * that is how late another process may learn of a change. Concurrent requests of one session share
 * one query. `clock` is monotonic milliseconds.
 */
export function createSessionCheck(options: {
  tokens: TokenService;
  load: (sessionId: string, userId: string) => Promise<Principal | undefined>;
  cacheSeconds: number;
  clock?: () => number;
}): SessionCheck {
  const clock = options.clock ?? (() => performance.now());
  const ttlMs = options.cacheSeconds * 1000;
  const remembered = new Map<
    string,
    { userId: string; at: number; answer: Promise<Principal | undefined> }
  >();

  function lookup(sessionId: string, userId: string): Promise<Principal | undefined> {
    if (ttlMs <= 0) return options.load(sessionId, userId);
    const now = clock();
    const hit = remembered.get(sessionId);
    if (hit !== undefined && hit.userId === userId && now - hit.at < ttlMs) return hit.answer;
    remembered.delete(sessionId);
    if (remembered.size >= MAX_ENTRIES) {
      const oldest = remembered.keys().next().value;
      if (oldest !== undefined) remembered.delete(oldest);
    }
    const answer = options.load(sessionId, userId);
    remembered.set(sessionId, { userId, at: now, answer });
    // A failed lookup (database down) is not an answer: the next request asks again.
    answer.catch(() => {
      if (remembered.get(sessionId)?.answer === answer) remembered.delete(sessionId);
    });
    return answer;
  }

  return {
    async check(token) {
      const verified = await options.tokens.verify(token);
      if (verified === undefined) return undefined;
      const principal = await lookup(verified.sessionId, verified.principal.subject);
      return principal === undefined ? undefined : { principal, sessionId: verified.sessionId };
    },
    forget(sessionId) {
      remembered.delete(sessionId);
    },
  };
}
