/**
 * A `ParsePool` worker thread: reads each message it is sent with `readMessage` (limits and facility
 * mappings from `workerData`) and posts the `MessageRead` back. Nothing else runs here, so a slow
 * message slows only this thread, and the pool can terminate it if it is stuck.
 */
import { parentPort, workerData } from "node:worker_threads";
import { indexFacilityMappings } from "@homeward/contracts";
import { type ParseWorkerData, readMessage } from "./parse-pool.ts";

const data = workerData as ParseWorkerData;
const options = { lookupMapping: indexFacilityMappings(data.mappings), limits: data.limits };

parentPort?.on("message", (task: { bytes: Uint8Array; receivedAt: number }) => {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const { text: _text, ...read } = readMessage(bytes, { ...options, receivedAt: new Date(task.receivedAt) });
  parentPort?.postMessage(read);
});
