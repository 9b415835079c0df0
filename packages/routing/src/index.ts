export {
  type ChannelRule,
  DEFAULT_CHANNEL_RULES,
  inQuietHours,
  nextDigestAt,
  nextLocalTime,
  type PlannedSend,
  planSends,
  type RecipientProfile,
} from "./delivery-plan.ts";
export {
  type Attribution,
  contextOn,
  type Directory,
  type DirectoryPerson,
  type EffectivePeriod,
  type Enrollment,
  eventDay,
  inForceOn,
  type NotificationRule,
  type OptOut,
  type PatientContext,
  type RecipientRole,
  type RoutableEvent,
  type Route,
  type Routing,
  routeEvent,
} from "./routing.ts";
export { loadRoutingData, type RoutingData, type RoutingOrganization } from "./routing-store.ts";
