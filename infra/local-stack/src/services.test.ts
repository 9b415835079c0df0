import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./paths.ts";
import { builtEntry, type EnvSources, nodeArgs, SERVICES, serviceEnv } from "./services.ts";

const SOURCES: EnvSources = {
  inherited: {
    PATH: "/usr/bin",
    LOG_LEVEL: "debug",
    API_TOKEN_SECRET: "exported-in-the-shell-0123456789abcdef",
    GITHUB_TOKEN: "ghp_not-for-services",
    PGPASSWORD: "shell-db-password",
  },
  shared: {
    DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:5432/homeward",
    AWS_SECRET_ACCESS_KEY: "local",
  },
  secrets: {
    API_TOKEN_SECRET: "the-launchers-signing-key-0123456789abcdef",
    OUTBOUND_SECRET_KEY: "a".repeat(64),
  },
};

describe("what npm start gives each service", () => {
  it("gives the api's token signing key to the api and to no other process", () => {
    const holders = SERVICES.filter((s) => serviceEnv(s, SOURCES).API_TOKEN_SECRET !== undefined).map(
      (s) => s.name,
    );
    expect(holders).toEqual(["api"]);
    const api = SERVICES.find((s) => s.name === "api");
    expect(api && serviceEnv(api, SOURCES).API_TOKEN_SECRET).toBe(
      "the-launchers-signing-key-0123456789abcdef",
    );
    // The demo seed (a one-shot script with no spec of its own) gets none either.
    expect(serviceEnv({ env: {} }, SOURCES).API_TOKEN_SECRET).toBeUndefined();
  });

  it("gives the outbound sealing key to the api, which seals endpoint secrets, and the notifier, which opens them", () => {
    const holders = SERVICES.filter((s) => serviceEnv(s, SOURCES).OUTBOUND_SECRET_KEY !== undefined).map(
      (s) => s.name,
    );
    expect(holders.sort()).toEqual(["api", "notifier"]);
  });

  it("passes on the shell's environment without its secrets, then the stack's and the service's settings", () => {
    for (const spec of SERVICES) {
      const env = serviceEnv(spec, SOURCES);
      expect(env).toMatchObject({ PATH: "/usr/bin", LOG_LEVEL: "debug", ...SOURCES.shared, ...spec.env });
      expect(env.GITHUB_TOKEN).toBeUndefined();
      expect(env.PGPASSWORD).toBeUndefined();
      expect(Object.values(env)).not.toContain("exported-in-the-shell-0123456789abcdef");
    }
  });

  it("refuses to start a service without a secret it needs", () => {
    expect(() => serviceEnv({ env: {}, secrets: ["API_TOKEN_SECRET"] }, { ...SOURCES, secrets: {} })).toThrow(
      /no API_TOKEN_SECRET/,
    );
  });
});

describe("how npm start runs a service", () => {
  it("runs the TypeScript through tsx by default, and npm run build's JavaScript with plain node when built", () => {
    expect(nodeArgs("services/api/src/main.ts", ["--x"], "source")).toEqual([
      "--conditions=source",
      "--import",
      "tsx",
      join(REPO_ROOT, "services/api/src/main.ts"),
      "--x",
    ]);
    expect(nodeArgs("services/api/src/main.ts", ["--x"], "built")).toEqual([
      join(REPO_ROOT, "services/api/dist/main.js"),
      "--x",
    ]);
  });

  it("finds every service's built entry in its workspace's dist/", () => {
    expect(SERVICES.map((s) => builtEntry(s.entry))).toEqual(
      SERVICES.map((s) => s.entry.replace("/src/", "/dist/").replace(/\.ts$/, ".js")),
    );
    expect(builtEntry("services/adt-listener/src/main.ts")).toBe("services/adt-listener/dist/main.js");
    expect(() => builtEntry("infra/demo/seed-cli.ts")).toThrow(/not a workspace's src/);
  });
});
