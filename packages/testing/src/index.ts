export { readMailDevInbox } from "./maildev-inbox.ts";
export { type ReceivedMail, type SmtpSink, startSmtpSink } from "./smtp-sink.ts";
export { type Isolation, isolation, serviceEnv, type TestStack, testStack } from "./stack.ts";
