import type { RedisOptions } from "ioredis";

/** TLS to Redis: PEM text (REDIS_TLS_*, read at start by @homeward/config) and the name to check. */
export interface RedisTls {
  /** Trusted CAs; the platform's public CAs when absent. */
  ca?: string;
  cert?: string;
  key?: string;
  /** The name the server's certificate must carry, when it is not the URL's host. */
  servername?: string;
}

/** The connection part of RedisSettings: a URL and what may come beside it. */
export interface RedisConnection {
  /** `redis://host:port/db` or, for TLS, `rediss://`; a user and password may be in it. */
  url: string;
  /** An ACL user; not with a user in `url`. */
  username?: string;
  /** The user's (or the `default` user's) password; not with a password in `url`. */
  password?: string;
  /** Options for the TLS connection of a `rediss://` URL; not with `redis://`. */
  tls?: RedisTls;
}

/**
 * ioredis options built from the settings alone. ioredis, given a URL and options, lets the URL
 * win for the user and password and reads its query string as options, so it gets no URL: a
 * user or password in both places, or TLS options for a plain URL, is an error, not a choice.
 */
export function redisConnectionOptions(settings: RedisConnection): RedisOptions {
  const url = new URL(settings.url);
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new Error("the Redis URL must start with redis:// or rediss://");
  if (url.search !== "") throw new Error("the Redis URL takes no query parameters");
  const fromUrl = {
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
  };
  if (fromUrl.username !== undefined && settings.username !== undefined)
    throw new Error("the Redis user is both in the URL and in the settings; give it in one place");
  if (fromUrl.password !== undefined && settings.password !== undefined)
    throw new Error("the Redis password is both in the URL and in the settings; give it in one place");
  if (url.protocol === "redis:" && settings.tls !== undefined)
    throw new Error("TLS options are given for a redis:// URL; use rediss:// for TLS");
  const db = url.pathname.replace(/^\//, "");
  if (!/^\d*$/.test(db)) throw new Error("the Redis URL's path must be a database number");
  const username = fromUrl.username ?? settings.username;
  const password = fromUrl.password ?? settings.password;
  return {
    host: url.hostname.replace(/^\[(.+)\]$/, "$1") || "127.0.0.1",
    port: url.port === "" ? 6379 : Number(url.port),
    ...(db === "" ? {} : { db: Number(db) }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(url.protocol === "rediss:" ? { tls: { ...settings.tls } } : {}),
  };
}
