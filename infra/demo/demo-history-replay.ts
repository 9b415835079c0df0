/**
 * Replays the demo's six months of history like live data: its messages go to the MLLP listener
 * as a hospital's feed catching up on a backlog (one at a time, each after the previous ACK), the
 * matcher and notifier open the tasks, and the care team's planned work is recorded on them through
 * the tasks family's command (@homeward/tasks, as the api's routes; demo-history-work.ts), dated in
 * the past.
 *
 * Each patient's story is kept in time order, whatever the pipeline's pace: a patient's message is
 * sent only after the care team's entries dated before it are recorded, and an entry is recorded
 * only once the notifier has handled the patient's messages sent before it. So a readmission or a
 * death that excludes a task (migration 0014) reaches it after the work done before it, and before
 * the work planned after it, as it would have live; and the result is the same on every machine.
 * Other patients' entries are recorded as soon as their turn comes, so the sweeper rarely finds a
 * long-done task still open. Running it again resends what the listener already has (duplicates,
 * ACKed and dropped) and records nothing twice.
 */
import type { Pool } from "@homeward/db";
import {
  ackCodeOf,
  type FeedConnection,
  type HistoryMessage,
  historyMessages,
  hl7Time,
  openFeedConnection,
  type SimPatient,
  scenarioTag,
  vendorStyle,
} from "@homeward/simulator";
import type { CareManagerKey, PlannedAction } from "./demo-history-care.ts";
import type { DemoHistoryData } from "./demo-history-data.ts";
import { handledByVisit } from "./demo-history-store.ts";
import { createTaskRecorder, emptyTally, type WorkTally } from "./demo-history-work.ts";

export interface HistoryReplayOptions {
  /** The listener's MLLP address. */
  host: string;
  port: number;
  /** The demo's epoch (patients.json `scenario.epoch`): the control ids' tag. */
  epoch: Date;
  patients: readonly SimPatient[];
  history: DemoHistoryData;
  /** MLLP connections in parallel, each for its share of the patients (default 4). */
  lanes?: number;
  /** How long to wait for the listener to accept a connection, and for the pipeline to catch up. */
  connectTimeoutMs?: number;
  pipelineTimeoutMs?: number;
  /** Progress lines (no patient data). */
  print?: (line: string) => void;
  signal?: AbortSignal;
}

export interface HistoryReplayReport extends WorkTally {
  sent: number;
  byAck: Record<string, number>;
  /** Events the notifier had handled at the end (of `history.events`). */
  events: number;
  /** Patients for whom an expected announcement never came (the grace was taken): should be 0. */
  graceTaken: number;
  elapsedMs: number;
}

/** One planned entry with what finds its task. */
interface Entry {
  at: number;
  visitNumber: string;
  stepId: string;
  careManager: CareManagerKey;
  action: PlannedAction;
}

/** A patient's part of the replay: their messages and entries, and how far each has got. */
interface Track {
  messages: HistoryMessage[];
  entries: Entry[];
  nextMessage: number;
  nextEntry: number;
  /**
   * Per visit, the events sent and the announcements they make (A11 cancels are retractions, not
   * events): the practice hears of every event, the plan of those after the patient's plan line.
   */
  sent: Map<string, Handled>;
  /** Since when every sent event has been handled while an expected announcement is still missing. */
  shortSince?: number | undefined;
  graceTaken?: boolean;
}

interface Handled {
  events: number;
  announcements: number;
}

/** After this long with every event handled, a missing announcement is taken as never coming. */
const ANNOUNCEMENT_GRACE_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replays the history; see the file comment. */
export async function replayDemoHistory(
  pool: Pool,
  options: HistoryReplayOptions,
): Promise<HistoryReplayReport> {
  const started = Date.now();
  const print = options.print ?? (() => {});
  const messages = historyMessages(scenarioTag(options.epoch), options.history.visits, options.patients);
  const tracks = tracksOf(messages, options.history);
  const recorder = await createTaskRecorder(pool);
  const report: HistoryReplayReport = {
    ...emptyTally(),
    sent: 0,
    byAck: {},
    events: 0,
    graceTaken: 0,
    elapsedMs: 0,
  };
  const handled = new Map<string, Handled>();
  const refresh = async (visits: readonly string[]) => {
    for (const [visit, n] of await handledByVisit(pool, visits)) handled.set(visit, n);
  };
  /**
   * Whether the notifier has handled everything sent about the patient: every announcement (so an
   * exclusion at the plan is in too). Should the plan's announcement not come (a line dated other
   * than expected), every event handled is enough after a short grace, rather than waiting forever.
   */
  const caughtUp = (track: Track) => {
    const of = (visit: string) => handled.get(visit) ?? { events: 0, announcements: 0 };
    if ([...track.sent].every(([visit, n]) => of(visit).announcements >= n.announcements)) return true;
    if (![...track.sent].every(([visit, n]) => of(visit).events >= n.events)) return false;
    track.shortSince ??= Date.now();
    if (Date.now() - track.shortSince <= ANNOUNCEMENT_GRACE_MS) return false;
    if (!track.graceTaken) report.graceTaken++;
    track.graceTaken = true;
    return true;
  };
  const deadline = () => Date.now() + (options.pipelineTimeoutMs ?? 120_000);

  /**
   * Records the patient's entries before `until` while the notifier has handled everything sent
   * about them; true when none before `until` is left.
   */
  const drain = async (track: Track, until: number): Promise<boolean> => {
    while (track.nextEntry < track.entries.length && (track.entries[track.nextEntry]?.at ?? 0) < until) {
      if (!caughtUp(track)) return false;
      const entry = track.entries[track.nextEntry++] as Entry;
      await recorder.record(entry.visitNumber, entry.stepId, entry.careManager, entry.action, report);
    }
    return true;
  };

  /** Sends one message on a lane's connection and counts what the notifier will make of it. */
  const sendOne = async (connection: FeedConnection, message: HistoryMessage, track: Track) => {
    const ack = await connection.send(message.text, message.controlId, 10_000);
    const code = ack === undefined ? "none" : ackCodeOf(ack);
    report.sent++;
    report.byAck[code] = (report.byAck[code] ?? 0) + 1;
    if (report.sent % 100 === 0)
      print(
        `demo history: ${report.sent} of ${messages.length} messages sent, ${report.recorded} care-team entries recorded`,
      );
    track.nextMessage++;
    track.shortSince = undefined;
    if (message.trigger === "A11") return;
    const before = track.sent.get(message.visitNumber) ?? { events: 0, announcements: 0 };
    const plan = options.history.planListedFrom[message.memberId];
    const toPlan = plan !== undefined && plan <= hospitalDay(message) ? 1 : 0;
    track.sent.set(message.visitNumber, {
      events: before.events + 1,
      announcements: before.announcements + 1 + toPlan,
    });
  };

  /**
   * One lane: its own connection and its share of the patients, oldest message first, except that
   * a patient whose earlier work waits for the pipeline waits (with their later messages) while the
   * others' go ahead: only each patient's own order matters.
   */
  const lane = async (laneTracks: readonly Track[]) => {
    const laneMessages = laneTracks
      .flatMap((t) => t.messages)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const laneVisits = [...new Set(laneMessages.map((m) => m.visitNumber))];
    const connection = await openFeedConnection({
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs ?? 120_000,
      onRetry: (attempt) => {
        if (attempt % 10 === 1)
          print(`demo history: waiting for the listener on ${options.host}:${options.port}…`);
      },
    });
    try {
      const unsent = new Set(laneMessages);
      let giveUpAt = deadline();
      while (unsent.size > 0 && !options.signal?.aborted) {
        let progress = false;
        for (const message of unsent) {
          const track = tracks.get(message.memberId) as Track;
          if (track.messages[track.nextMessage] !== message) continue;
          if (!(await drain(track, message.at.getTime()))) continue;
          await sendOne(connection, message, track);
          unsent.delete(message);
          progress = true;
        }
        // What the notifier has handled by now, and everyone's work whose turn has come.
        await refresh(laneVisits);
        for (const track of laneTracks)
          await drain(track, track.messages[track.nextMessage]?.at.getTime() ?? Number.POSITIVE_INFINITY);
        if (progress) giveUpAt = deadline();
        else if (Date.now() > giveUpAt)
          throw new Error("the pipeline did not handle the history's messages in time");
        else await sleep(30);
      }
      // The rest of the work, each patient's once the notifier has handled all of their messages.
      giveUpAt = deadline();
      for (;;) {
        let left = 0;
        for (const track of laneTracks) if (!(await drain(track, Number.POSITIVE_INFINITY))) left++;
        if (left === 0 || options.signal?.aborted) break;
        if (Date.now() > giveUpAt)
          throw new Error("the pipeline did not handle the history's messages in time");
        await sleep(30);
        await refresh(laneVisits);
      }
    } finally {
      await connection.close();
    }
  };

  const lanes = Array.from({ length: options.lanes ?? 4 }, () => [] as Track[]);
  for (const [i, track] of [...tracks.values()].entries()) lanes[i % lanes.length]?.push(track);
  await Promise.all(lanes.map(lane));
  // And the last events that opened no work: the history is in when the notifier has handled it all.
  const visits = options.history.visits.map((v) => v.visitNumber);
  const giveUpAt = deadline();
  for (;;) {
    await refresh(visits);
    report.events = [...handled.values()].reduce((n, h) => n + h.events, 0);
    if (report.events >= options.history.events || Date.now() > giveUpAt || options.signal?.aborted) break;
    await sleep(50);
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

/** The day of the message at its hospital (the matcher routes by the event's own day). */
function hospitalDay(message: HistoryMessage): string {
  const wall = hl7Time(message.at, vendorStyle(message.facility).timeZone, false);
  return `${wall.slice(0, 4)}-${wall.slice(4, 6)}-${wall.slice(6, 8)}`;
}

/** Each patient's messages (in sending order) and planned entries (in time order). */
function tracksOf(messages: readonly HistoryMessage[], history: DemoHistoryData): Map<string, Track> {
  const tracks = new Map<string, Track>();
  const trackOf = (memberId: string) => {
    let track = tracks.get(memberId);
    if (track === undefined) {
      track = { messages: [], entries: [], nextMessage: 0, nextEntry: 0, sent: new Map() };
      tracks.set(memberId, track);
    }
    return track;
  };
  for (const m of messages) trackOf(m.memberId).messages.push(m);
  const memberOf = new Map(history.visits.map((v) => [v.visitNumber, v.memberId]));
  for (const w of history.work) {
    const memberId = memberOf.get(w.visitNumber);
    if (memberId === undefined) continue;
    for (const action of w.actions)
      trackOf(memberId).entries.push({
        at: Date.parse(action.at),
        visitNumber: w.visitNumber,
        stepId: w.stepId,
        careManager: w.careManager,
        action,
      });
  }
  for (const track of tracks.values()) track.entries.sort((a, b) => a.at - b.at);
  return tracks;
}
