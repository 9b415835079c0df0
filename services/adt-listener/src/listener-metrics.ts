import { SUPPORTED_TRIGGERS } from "@homeward/hl7";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { MessageOutcome } from "./ingest.ts";

/** The label value for anything not on a fixed list. */
export const UNKNOWN_LABEL = "unknown";

/**
 * Labels for `homeward_adt_messages_total`. MSH-4 and MSH-9.2 come from unauthenticated input, so a
 * label value is a configured facility or a trigger Homeward handles, and anything else is
 * `unknown`: a sender cannot grow the series without bound or write its own text into /metrics.
 */
export function messageLabeller(configuredFacilities: Iterable<string> | (() => ReadonlySet<string>)) {
  // A function is asked each time: the configured facilities change while the listener runs.
  const fixed = typeof configuredFacilities === "function" ? undefined : new Set(configuredFacilities);
  const facilities =
    typeof configuredFacilities === "function" ? configuredFacilities : () => fixed ?? new Set();
  return (r: { facility: string; trigger: string; outcome: MessageOutcome }) => ({
    facility: facilities().has(r.facility) ? r.facility : UNKNOWN_LABEL,
    trigger: Object.hasOwn(SUPPORTED_TRIGGERS, r.trigger) ? r.trigger : UNKNOWN_LABEL,
    outcome: r.outcome,
  });
}

/**
 * What the listener exposes on /metrics. Labels are facilities and trigger events (bounded, see
 * `messageLabeller`) and fixed reasons, never patients.
 */
export function createListenerMetrics(registry: Registry) {
  return {
    messages: new Counter({
      name: "homeward_adt_messages_total",
      help: "HL7 messages handled, by sending facility, trigger event and outcome",
      labelNames: ["facility", "trigger", "outcome"] as const,
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: "homeward_adt_ack_latency_seconds",
      help: "Time from the last byte of a frame to its ACK being written",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    openConnections: new Gauge({
      name: "homeward_mllp_open_connections",
      help: "Open MLLP connections",
      labelNames: ["listener"] as const,
      registers: [registry],
    }),
    bytesReceived: new Counter({
      name: "homeward_mllp_received_bytes_total",
      help: "Bytes received on MLLP connections",
      labelNames: ["listener"] as const,
      registers: [registry],
    }),
    framingErrors: new Counter({
      name: "homeward_mllp_framing_errors_total",
      help: "MLLP framing problems (bytes outside frames, oversize frames, bad end blocks)",
      labelNames: ["listener", "reason"] as const,
      registers: [registry],
    }),
    refusedConnections: new Counter({
      name: "homeward_mllp_refused_connections_total",
      help: "Connections refused: source not allowlisted, missing client certificate, per-address or overall limit",
      labelNames: ["listener", "reason"] as const,
      registers: [registry],
    }),
    closedConnections: new Counter({
      name: "homeward_mllp_closed_connections_total",
      help: "Connections the listener closed itself: idle, a frame past its deadline, too many framing errors",
      labelNames: ["listener", "reason"] as const,
      registers: [registry],
    }),
  };
}

export type ListenerMetrics = ReturnType<typeof createListenerMetrics>;
