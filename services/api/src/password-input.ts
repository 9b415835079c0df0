import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";

/** The password could not be read (no input, a prompt cancelled, two entries that differ, a file missing). */
export class PasswordInputError extends Error {
  override name = "PasswordInputError";
}

/** Where a CLI reads a password from; never an argument, which `ps` and shell history would show. */
export interface PasswordSource {
  /** `--password-file PATH`: the file's first line. */
  file?: string;
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Where the prompt goes (stderr, so stdout stays the command's output). */
  output: NodeJS.WritableStream;
}

/**
 * The password from `--password-file`, else typed at a prompt with echo off (twice, when the input
 * is a terminal), else the first line of the input (a pipe: `pass show x | npm run users -- add …`).
 * The line's end (`\n` or `\r\n`) is not part of the password; other spaces are.
 */
export async function readPassword(source: PasswordSource): Promise<string> {
  if (source.file !== undefined) return firstLine(await readPasswordFile(source.file));
  const { input, output } = source;
  if (input.isTTY === true && input.setRawMode !== undefined) {
    const [first, again] = await promptHidden(["password: ", "password again: "], input, output);
    if (first !== again) throw new PasswordInputError("the two passwords differ");
    return first ?? "";
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new PasswordInputError("no password on standard input (pipe one line, or use --password-file)");
}

async function readPasswordFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code ?? "error";
    throw new PasswordInputError(`cannot read --password-file ${path} (${code})`);
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? "";
}

/**
 * Asks each question in turn on a terminal and reads one line for each. The terminal is in raw mode
 * from before the first question is shown until after the last answer, so nothing typed, even
 * typed ahead, is echoed. Ctrl-C or Ctrl-D cancels.
 */
function promptHidden(
  questions: readonly string[],
  input: PasswordSource["input"],
  output: NodeJS.WritableStream,
): Promise<string[]> {
  input.setRawMode?.(true);
  input.setEncoding("utf8");
  input.resume();
  output.write(questions[0] ?? "");
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let value = "";
    let afterCr = false;
    const finish = (outcome: () => void) => {
      input.off("data", onData);
      input.setRawMode?.(false);
      input.pause();
      outcome();
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        const lineFeedOfCrLf = afterCr && ch === "\n";
        afterCr = ch === "\r";
        if (lineFeedOfCrLf) continue;
        if (ch === "\r" || ch === "\n") {
          answers.push(value);
          value = "";
          output.write("\n");
          if (answers.length === questions.length) return finish(() => resolve(answers));
          output.write(questions[answers.length] ?? "");
        } else if (ch === "\u0003" || ch === "\u0004") {
          output.write("\n");
          return finish(() => reject(new PasswordInputError("no password entered")));
        } else if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    input.on("data", onData);
  });
}
