import type { Logger } from "@homeward/logger";
import { type Isolation, type SmtpSink, serviceEnv, startSmtpSink } from "@homeward/testing";
import { type RunningListener, startAdtListener } from "../../services/adt-listener/src/app.ts";
import { loadListenerEnv } from "../../services/adt-listener/src/env.ts";
import { type RunningMatcher, startMatcher } from "../../services/matcher/src/app.ts";
import { loadMatcherEnv } from "../../services/matcher/src/env.ts";
import { type RunningNotifier, startNotifier } from "../../services/notifier/src/app.ts";
import { loadNotifierEnv } from "../../services/notifier/src/env.ts";

const FACILITIES = new URL("../../services/adt-listener/config/facilities.example.json", import.meta.url)
  .pathname;

/** HL7 DTM for an instant, in UTC. */
export const hl7Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}+0000`;

/** MLLP listener → matcher → notifier (mail to an in-process SMTP sink), in this process. */
export interface Pipeline {
  listener: RunningListener;
  matcher: RunningMatcher;
  notifier: RunningNotifier;
  smtp: SmtpSink;
  stop(): Promise<void>;
}

/**
 * Starts the pipeline for `iso`, the notifier first (consumers before producers), as `npm start` would.
 * `notifierEnv` adds settings to the notifier's (e.g. OUTBOUND_SECRET_KEY).
 */
export async function startPipeline(
  iso: Isolation,
  logger: Logger,
  options: { notifierEnv?: Record<string, string> } = {},
): Promise<Pipeline> {
  const smtp = await startSmtpSink();
  const env = serviceEnv(iso);
  const notifier = await startNotifier(
    loadNotifierEnv({
      ...env,
      SMTP_URL: smtp.url,
      NOTIFIER_GROUP_ID: iso.groupId("notifier"),
      DELIVERY_POLL_SECONDS: "1",
      SWEEP_INTERVAL_SECONDS: "3600",
      ...options.notifierEnv,
    }),
    logger,
  );
  const matcher = await startMatcher(
    loadMatcherEnv({ ...env, MATCHER_GROUP_ID: iso.groupId("matcher") }),
    logger,
  );
  const listener = await startAdtListener(
    loadListenerEnv({ ...env, MLLP_HOST: "127.0.0.1", MLLP_PORT: "0", FACILITY_MAPPINGS_FILE: FACILITIES }),
    logger,
  );
  return {
    listener,
    matcher,
    notifier,
    smtp,
    async stop() {
      await listener.stop();
      await matcher.stop();
      await notifier.stop();
      await smtp.close();
    },
  };
}
