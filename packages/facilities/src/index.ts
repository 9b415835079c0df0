/** Facility settings (how the listener reads each feed) and feed operations: the one owner of their tables. */
export {
  checkFacilityMapping,
  ExpectedHours,
  type Facility,
  FacilityInput,
  FeedWatch,
  type FeedWatchInput,
  type MappingCheck,
} from "./facility-schemas.ts";
export {
  activeMappings,
  createFacility,
  deleteFacility,
  exportFacilities,
  type FacilityHistoryEntry,
  type FacilityWriteResult,
  facilityHistory,
  findFacility,
  type ImportResult,
  importFacilities,
  listFacilities,
  seedFacilitiesIfNew,
  updateFacility,
} from "./facility-store.ts";
export {
  claimAlarmNotice,
  clearSilentAlarm,
  type FeedAlarm,
  listFeedAlarms,
  openSilentAlarm,
  recordAlarmNotice,
  type WatchedFacility,
  watchedFacilities,
} from "./feed-alarm-store.ts";
export { type FeedChange, feedChangedChannel, listenFeedChanged, notifyFeedChanged } from "./feed-channel.ts";
export {
  type ClaimedResend,
  claimFeedResends,
  type ExceptionSource,
  type FeedException,
  type FeedExceptionContent,
  type FeedExceptionFilter,
  type FeedExceptionStatus,
  feedExceptionContent,
  findFeedException,
  listFeedExceptions,
  markFeedExceptionHandled,
  purgeFeedExceptions,
  type ResendRequest,
  recordFeedResend,
  recordRejected,
  recordUnmatched,
  requestFeedExceptionResend,
} from "./feed-exception-store.ts";
export {
  type FeedConnectionSummary,
  type FeedCounts,
  type FeedErrorCount,
  type FeedFacilitySummary,
  type FeedOverview,
  feedOverview,
} from "./feed-overview-store.ts";
export {
  addFeedCounts,
  closeListenerConnections,
  type FeedConnectionState,
  type FeedCount,
  purgeFeedStats,
  recordConnections,
} from "./feed-stats-store.ts";
