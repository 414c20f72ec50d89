// CPU profiles of the page's main thread (CDP Profiler), for PROFILE=1 runs of
// scripts/bench-widget: each phase's profile is saved as a .cpuprofile (open it in Chrome
// DevTools' Performance panel) with a text summary beside it: the functions with the most
// self time and the most total time. Wasm functions carry their names only when the module
// served has a name section (scripts/bench-widget builds such a UI module for PROFILE=1).
import { writeFileSync } from "node:fs";

/** Starts sampling the page's main thread every `interval` µs. */
export async function startProfile(page, interval = 200) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval });
  await cdp.send("Profiler.start");
  return cdp;
}

/** Stops, writes `path.cpuprofile` and `path.txt`; returns the summary's text. */
export async function stopProfile(cdp, path) {
  const { profile } = await cdp.send("Profiler.stop");
  await cdp.detach().catch(() => {});
  writeFileSync(`${path}.cpuprofile`, JSON.stringify(profile));
  const text = summarizeProfile(profile);
  writeFileSync(`${path}.txt`, text);
  return text;
}

/** The name a profile node is reported under: function, file and line. */
function keyOf(frame) {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  const file = frame.url.startsWith("wasm://") ? "wasm" : frame.url.replace(/^https?:\/\/[^/]+/, "");
  return `${name}  ${file}${frame.lineNumber >= 0 && !frame.url.startsWith("wasm://") ? `:${frame.lineNumber + 1}` : ""}`;
}

/** Self and total time per function (recursion counted once), in ms, as text; then the same
 * for each stretch of at least `longMs` without idle samples (a long task, roughly). */
export function summarizeProfile(profile, top = 25, longMs = 40) {
  const whole = summarizeSamples(profile, 0, profile.samples.length, top);
  // Stretches of work: runs of samples that are not (idle), gaps under 2 ms allowed.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  const stretches = [];
  let t = 0;
  let from = -1;
  let start = 0;
  let lastBusy = 0;
  let lastIndex = -1;
  profile.samples.forEach((id, i) => {
    t += (deltas[i] ?? 0) / 1000;
    const idle = byId.get(id).callFrame.functionName === "(idle)";
    if (!idle) {
      if (from < 0 || t - lastBusy > 2) {
        if (from >= 0) stretches.push({ from, to: lastIndex + 1, start, end: lastBusy });
        from = i;
        start = t;
      }
      lastBusy = t;
      lastIndex = i;
    }
  });
  if (from >= 0) stretches.push({ from, to: lastIndex + 1, start, end: lastBusy });
  const long = stretches.filter((s) => s.end - s.start >= longMs);
  const parts = [whole];
  for (const s of long) {
    parts.push(
      `--- busy ${(s.end - s.start).toFixed(0)} ms from ${s.start.toFixed(0)} ms into the profile ---`,
      summarizeSamples(profile, s.from, s.to, 15),
    );
  }
  return parts.join("\n");
}

function summarizeSamples(profile, first, last, top) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const total = new Map();
  let sampled = 0;
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => {
    if (i < first || i >= last) return;
    // A sample's time is the gap to the next sample.
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    sampled += ms;
    const node = byId.get(id);
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(byId.get(at).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  });
  const busy = sampled - (self.get("(idle)") ?? 0);
  const table = (map) =>
    [...map.entries()]
      .filter(([k]) => k !== "(root)" && k !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / Math.max(busy, 1e-9)).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return [
    `sampled ${sampled.toFixed(0)} ms, of which not idle ${busy.toFixed(0)} ms`,
    "",
    "self time:",
    table(self),
    "",
    "total time (the function and what it calls):",
    table(total),
    "",
  ].join("\n");
}
