import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { claimOnce, createRedis, type RedisSettings } from "@homeward/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa } from "./test-ca.ts";

/**
 * A Redis of its own (Debian's redis-server 7, built with TLS): no plain port, TLS on a free port
 * with a certificate from a CA this file makes, the `default` user off and one ACL user, as on a
 * managed Redis with in-transit encryption and users (ElastiCache RBAC). Homeward connects through
 * its own settings (parseEnv + stackSettingsFromEnv) and its own client factory.
 */
const dir = mkdtempSync(join(tmpdir(), "homeward-redis-tls-"));
const good = makeTestCa(dir, "good");
const wrong = makeTestCa(dir, "wrong");
const server = good.issue("redis", ["IP:127.0.0.1", "DNS:localhost"]);
const PASSWORD = "p@ss/w:rd-for-tests";
let port = 0;
let redisServer: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Settings as a service gets them from its environment. */
function settings(env: Record<string, string>): RedisSettings {
  return { ...stackSettingsFromEnv(parseEnv(StackEnv, env)).redis, keyPrefix: "tls-smoke:" };
}

/** Runs `ACL WHOAMI` on a new client, or throws the first error the client meets; always disconnects. */
async function whoAmI(s: RedisSettings): Promise<string> {
  const redis = createRedis(s);
  redis.on("error", () => undefined); // later reconnect attempts: the first error is the answer
  const failed = new Promise<never>((_, reject) => redis.once("error", reject));
  try {
    return String(await Promise.race([redis.call("ACL", "WHOAMI"), failed]));
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  port = await freePort();
  const args = [
    ["--port", "0"],
    ["--tls-port", String(port)],
    ["--bind", "127.0.0.1"],
    ["--tls-cert-file", server.certFile],
    ["--tls-key-file", server.keyFile],
    ["--tls-ca-cert-file", good.caFile],
    ["--tls-auth-clients", "no"],
    ["--save", ""],
    ["--appendonly", "no"],
    ["--dir", dir],
    ["--user", "default", "off"],
    // The least a Homeward service needs (docs/operations.md): its key prefix, the commands it sends.
    ["--user", "homeward", "on", `>${PASSWORD}`, "~tls-smoke:*", "resetchannels", "-@all"],
    ["+ping", "+info", "+select", "+quit", "+get", "+mget", "+set", "+exists"],
    ["+acl|whoami"], // this test's own question, not Homeward's
  ].flat();
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  redisServer = child;
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
}, 20_000);

afterAll(async () => {
  try {
    if (redisServer !== undefined && redisServer.exitCode === null) {
      const exited = new Promise((resolve) => redisServer?.once("exit", resolve));
      redisServer.kill("SIGTERM");
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("Redis over TLS with an ACL user (a redis-server of the test's own, TLS port only)", () => {
  const tlsEnv = () => ({ REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_TLS_CA_FILE: good.caFile });

  it("connects with the CA, REDIS_USERNAME and REDIS_PASSWORD through Homeward's own client, and keeps its key prefix", async () => {
    const s = settings({ ...tlsEnv(), REDIS_USERNAME: "homeward", REDIS_PASSWORD: PASSWORD });
    expect(await whoAmI(s)).toBe("homeward");
    const redis = createRedis(s);
    try {
      await redis.set("greeting", "hello", "PX", 60_000);
      expect(await redis.get("greeting")).toBe("hello");
      // What the listener's duplicate check and the notifier's idempotency keys send.
      expect(await claimOnce(redis, "delivery:sent:1", 60_000)).toBe(true);
      expect(await claimOnce(redis, "delivery:sent:1", 60_000)).toBe(false);
      await redis.pipeline().set("adt:ctl:A|F|1", "1", "EX", 60).exec();
      expect(await redis.mget("adt:ctl:A|F|1", "adt:ctl:A|F|2")).toEqual(["1", null]);
      expect(await redis.exists("delivery:sent:1")).toBe(1);
      expect(await redis.ping()).toBe("PONG");
      // The ACL user may touch tls-smoke:* keys only, so the prefix really is on the key.
      const unprefixed = createRedis({ ...s, keyPrefix: "" });
      await expect(unprefixed.get("greeting")).rejects.toThrow(/NOPERM/);
      expect(await unprefixed.get("tls-smoke:greeting")).toBe("hello");
      await unprefixed.quit();
    } finally {
      await redis.quit();
    }
  });

  it("takes the user and password from the URL as well (percent-encoded)", async () => {
    const url = `rediss://homeward:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;
    expect(await whoAmI(settings({ ...tlsEnv(), REDIS_URL: url }))).toBe("homeward");
  });

  it("is refused with a wrong password, and without a user (the default user is off)", async () => {
    await expect(
      whoAmI(settings({ ...tlsEnv(), REDIS_USERNAME: "homeward", REDIS_PASSWORD: "not-the-password" })),
    ).rejects.toThrow(/WRONGPASS/);
    await expect(whoAmI(settings(tlsEnv()))).rejects.toThrow(/NOAUTH/);
  });

  it("refuses a server whose certificate another CA signed", async () => {
    const s = settings({
      ...tlsEnv(),
      REDIS_TLS_CA_FILE: wrong.caFile,
      REDIS_USERNAME: "homeward",
      REDIS_PASSWORD: PASSWORD,
    });
    await expect(whoAmI(s)).rejects.toThrow(
      /self[- ]signed certificate in certificate chain|unable to verify/,
    );
  });

  it("checks the name in the certificate: REDIS_TLS_SERVER_NAME must be one it carries", async () => {
    const env = { ...tlsEnv(), REDIS_USERNAME: "homeward", REDIS_PASSWORD: PASSWORD };
    expect(await whoAmI(settings({ ...env, REDIS_TLS_SERVER_NAME: "localhost" }))).toBe("homeward");
    await expect(whoAmI(settings({ ...env, REDIS_TLS_SERVER_NAME: "cache.elsewhere.test" }))).rejects.toThrow(
      /does not match certificate's altnames/,
    );
  });
});
