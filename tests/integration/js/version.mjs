// Asks a server for its version with the official `ollama` client, as an
// application would: node version.mjs URL [KEY_FILE]. The key is read from
// the file (first line) and sent in the client's `headers`, never taken
// from the command line. Prints "version X" or "error: ...", exit 0 or 1.
import { readFileSync } from "node:fs";
import { Ollama } from "ollama";

const [host, keyFile] = process.argv.slice(2);
const headers = {};
if (keyFile) {
  const key = readFileSync(keyFile, "utf8").split("\n").map((l) => l.trim())
    .find((l) => l && !l.startsWith("#"));
  headers.Authorization = `Bearer ${key}`;
}
try {
  const client = new Ollama({ host, headers });
  const v = await client.version();
  console.log(`version ${v.version}`);
} catch (e) {
  console.log(`error: ${e.status_code ?? ""} ${String(e.message).replace(/\s+/g, " ").slice(0, 200)}`);
  process.exit(1);
}
