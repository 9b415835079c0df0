import { createHash, type KeyObject, verify } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A minimal SMTP server that refuses every recipient with 550, echoing the address as real servers do. */
export async function startRejectingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((socket) => {
    socket.write("220 reject.test ESMTP\r\n");
    let buffer = "";
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      for (let i = buffer.indexOf("\r\n"); i >= 0; i = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 reject.test\r\n");
        else if (verb === "MAIL" || verb === "RSET") socket.write("250 2.1.0 OK\r\n");
        else if (verb === "RCPT") socket.write(`550 5.1.1 ${line.slice(8)}: user unknown\r\n`);
        else if (verb === "QUIT") socket.end("221 2.0.0 bye\r\n");
        else socket.write("502 5.5.1 not implemented\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Verifies a relaxed/relaxed rsa-sha256 DKIM signature (RFC 6376 §3.4.2, §3.4.4, §3.7). */
export function verifyRelaxedDkim(raw: Buffer, publicKey: KeyObject): boolean {
  const text = raw.toString("latin1");
  const split = text.indexOf("\r\n\r\n");
  const headers: { name: string; raw: string }[] = [];
  for (const line of text.slice(0, split).split("\r\n")) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last !== undefined) last.raw += `\r\n${line}`;
    else headers.push({ name: line.slice(0, line.indexOf(":")).trim().toLowerCase(), raw: line });
  }
  const relaxed = (h: { name: string; raw: string }) =>
    `${h.name}:${h.raw
      .slice(h.raw.indexOf(":") + 1)
      .replace(/\r\n/g, "")
      .replace(/[ \t]+/g, " ")
      .trim()}`;
  const signature = headers.find((h) => h.name === "dkim-signature");
  if (signature === undefined) return false;
  const tags = new Map(
    relaxed(signature)
      .slice("dkim-signature:".length)
      .split(";")
      .map(
        (t) => [t.slice(0, t.indexOf("=")).trim(), t.slice(t.indexOf("=") + 1).replace(/\s+/g, "")] as const,
      ),
  );
  const body = text
    .slice(split + 4)
    .split("\r\n")
    .map((l) => l.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  while (body.length > 0 && body.at(-1) === "") body.pop();
  const canonicalBody = body.length === 0 ? "" : `${body.join("\r\n")}\r\n`;
  const bodyHash = createHash("sha256").update(canonicalBody, "latin1").digest("base64");
  if (bodyHash !== tags.get("bh")) return false;
  const used = new Set<number>();
  let signed = "";
  for (const name of (tags.get("h") ?? "").toLowerCase().split(":")) {
    for (let i = headers.length - 1; i >= 0; i--) {
      const h = headers[i];
      if (h !== undefined && h.name === name && h !== signature && !used.has(i)) {
        used.add(i);
        signed += `${relaxed(h)}\r\n`;
        break;
      }
    }
  }
  signed += relaxed(signature).replace(/(;\s*b=)[^;]*/, "$1");
  return verify(
    "sha256",
    Buffer.from(signed, "latin1"),
    publicKey,
    Buffer.from(tags.get("b") ?? "", "base64"),
  );
}
