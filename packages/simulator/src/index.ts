/**
 * The synthetic hospital feed: patients, vendor styles, stories, the demo's scenario and history,
 * HL7 v2 messages built from them, and a run that sends them over MLLP and reads the ACKs. Used by
 * the adt-listener's `npm run simulate`, by the demo seed and history replay (infra/demo), and by
 * tests. Everything it makes up is synthetic.
 */
export { type FeedConnection, type FeedConnectionOptions, openFeedConnection } from "./feed-connection.ts";
export {
  ackCodeOf,
  formatTotals,
  runSimulation,
  type SimulationIo,
  type SimulationOptions,
  type SimulationTotals,
} from "./simulate-run.ts";
export { createFeed, type Feed, type FeedMessage, type FeedOptions } from "./simulator-feed.ts";
export {
  DIED_DISPOSITIONS,
  deceasedMembers,
  expectedKindOf,
  HISTORY_HOSPITALS,
  HistoryBeat,
  type HistoryMessage,
  HistoryVisit,
  historyControlId,
  historyMessages,
  historyVisitNumber,
} from "./simulator-history.ts";
export {
  buildAdtMessage,
  type SimLocation,
  type SimMessageInput,
  type SimTrigger,
  type SimVisit,
} from "./simulator-messages.ts";
export {
  makeStrangers,
  PatientsFile,
  parsePatientsFile,
  type Random,
  SimPatient,
  seededRandom,
} from "./simulator-patients.ts";
export {
  DemoScenario,
  type ScenarioMessage,
  ScenarioPart,
  scenarioMessages,
  scenarioTag,
} from "./simulator-scenario.ts";
export {
  hl7Time,
  type LocationKind,
  VENDOR_STYLES,
  type VendorStyle,
  vendorStyle,
} from "./simulator-vendors.ts";
