// Headless Debian Chromium through playwright-core (never a downloaded browser), with the flags
// this machine needs: no sandbox as root, no background networking on a closed network.
import { chromium } from "playwright-core";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export const args = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A fresh browser with its own empty profile. Close it with `context.close()`. */
export async function launch({ viewport = { width: 1280, height: 800 }, locale = "en-US", ...options } = {}) {
  const userDataDir = await mkdtemp(join(tmpdir(), "contact-picker-chromium-"));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args,
    headless: true,
    viewport,
    locale,
    ...options,
  });
}

/** Every console message and page error of `page`, kept for assertions and failure reports. */
export function recordConsole(page) {
  const messages = [];
  page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => messages.push(`pageerror: ${error.message}`));
  return messages;
}
