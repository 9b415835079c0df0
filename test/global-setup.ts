import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { startStack, stopStack } from "@homeward/local-stack";
import { createLogger } from "@homeward/logger";
import type { TestStack } from "@homeward/testing";
import { dockerAvailable, startDockerStack } from "@homeward/testing/docker-stack";
import type { TestProject } from "vitest/node";

/**
 * Gives every test the connection settings of a real stack, once per run:
 * - HOMEWARD_STACK=external: the engines named by the usual environment variables (README);
 * - otherwise testcontainers when a Docker engine answers (HOMEWARD_STACK=docker insists on it);
 * - otherwise the local JVM stack, started here if it is not running (HOMEWARD_STACK=local insists).
 * If none can be had the run fails here, loudly: integration tests are never skipped.
 */
export default async function setup(project: TestProject) {
  const requested = process.env.HOMEWARD_STACK ?? "auto";
  const runId = Date.now().toString(36).slice(-5);
  const logger = createLogger({ service: "test-stack", level: process.env.LOG_LEVEL ?? "warn" });
  let teardown: () => Promise<void> = async () => {};
  let stack: TestStack;

  if (requested === "external") {
    const settings = stackSettingsFromEnv(parseEnv(StackEnv, process.env));
    stack = {
      settings,
      mailWebUrl: process.env.MAIL_WEB_URL ?? "http://127.0.0.1:1080",
      mode: "external",
      runId,
    };
  } else if (requested === "docker" || (requested === "auto" && (await dockerAvailable()))) {
    const docker = await startDockerStack();
    stack = { settings: docker.settings, mailWebUrl: docker.mailWebUrl, mode: "docker", runId };
    teardown = docker.stop;
  } else if (requested === "local" || requested === "auto") {
    const local = await startStack(logger);
    stack = { settings: local.settings, mailWebUrl: local.mailWebUrl, mode: "local", runId };
    // Leave a stack someone else started; stop what this run started, unless asked to keep it warm.
    if (local.started.length > 0 && process.env.HOMEWARD_KEEP_STACK !== "1") {
      teardown = async () => {
        await stopStack();
      };
    }
  } else {
    throw new Error(`HOMEWARD_STACK must be auto, local, docker or external (got ${requested})`);
  }
  console.log(`[homeward] test stack: ${stack.mode} (run ${runId})`);
  project.provide("stack", stack);
  return teardown;
}
