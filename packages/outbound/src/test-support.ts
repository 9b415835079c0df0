/**
 * For tests in other workspaces (the notifier's delivery tests, the end-to-end test): the FHIR R4
 * validator, the Da Vinci constraints, synthetic matched records and the real receivers.
 */
export { daVinciViolations } from "./davinci-constraints.test-support.ts";
export { type FhirReceiver, startFhirReceiver } from "./fhir-receiver.test-support.ts";
export { fhirErrors } from "./fhir-validation.test-support.ts";
export { dischargeEvent, edArrivalEvent, matchedOf } from "./matched-fixtures.test-support.ts";
export { type MllpReceiver, startMllpReceiver } from "./mllp-receiver.test-support.ts";
export { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.test-support.ts";
