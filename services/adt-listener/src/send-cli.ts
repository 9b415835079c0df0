import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { splitBatch } from "@homeward/hl7";
import { sendWithHl7Client } from "./hl7-client-sender.ts";

const USAGE = `usage: npm run send -w @homeward/adt-listener -- <file.hl7> [--host 127.0.0.1] [--port 2575]
Sends each message of an HL7 file (a batch, or messages one after another) over MLLP with
node-hl7-client, one at a time, and prints each ACK's MSA.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "2575" },
    help: { type: "boolean" },
  },
});
const file = positionals[0];
if (values.help || file === undefined) {
  console.error(USAGE);
  process.exit(file === undefined ? 2 : 0);
}
const { messages } = splitBatch(readFileSync(file, "utf8"));
const acks = await sendWithHl7Client(Number(values.port), messages, 15_000, values.host);
for (const ack of acks) console.log(ack.split(/\r|\n/).find((s) => s.startsWith("MSA")) ?? "(no MSA)");
process.exit(0);
