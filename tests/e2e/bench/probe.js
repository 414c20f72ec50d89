// The in-page half of the browser benchmark (scripts/bench-widget): installed by
// `page.addInitScript(probe)` before any script of the page, it keeps `window.__bench`:
//
//   longtasks, loafs, events   every PerformanceObserver entry of those types since the page began
//                              (`buffered: true`), with times on the page's performance clock
//   pickerEvents               every contact-picker-* event: name, performance.now(), detail
//   arm(type, options)         measures the next `type` event (keydown, click): its timeStamp,
//                              the first DOM change of the widget after it (MutationObserver
//                              callback) and the first animation frame after that change;
//                              `result()` resolves with the figures
//   firstOptions()             after import-done: when [role=option] first exists, and the frame
//   fling(options)             scrolls the listbox by a large amount each frame and records every
//                              frame interval and whether rows covered the visible area
//
// Everything is in milliseconds on the page's performance.now() clock. The function is
// serialized into the page: it must not close over anything.
export function probe() {
  const bench = {
    longtasks: [],
    loafs: [],
    events: [],
    pickerEvents: [],
    paints: [],
    current: null,
  };
  window.__bench = bench;

  const observe = (type, into, options = {}) => {
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) into(e);
      }).observe({ type, buffered: true, ...options });
      return true;
    } catch {
      return false;
    }
  };
  bench.supports = {
    longtask: observe("longtask", (e) =>
      bench.longtasks.push({
        start: e.startTime,
        duration: e.duration,
        attribution: (e.attribution ?? []).map((a) => `${a.containerType ?? ""} ${a.containerSrc ?? ""} ${a.containerName ?? ""}`.trim()),
      }),
    ),
    loaf: observe("long-animation-frame", (e) =>
      bench.loafs.push({
        start: e.startTime,
        duration: e.duration,
        blocking: e.blockingDuration,
        renderStart: e.renderStart,
        styleAndLayoutStart: e.styleAndLayoutStart,
        scripts: (e.scripts ?? []).map((s) => ({
          invoker: s.invoker,
          invokerType: s.invokerType,
          source: `${s.sourceURL ?? ""}${s.sourceFunctionName ? ` ${s.sourceFunctionName}` : ""}`,
          start: s.startTime,
          duration: s.duration,
          forcedStyleAndLayout: s.forcedStyleAndLayoutDuration,
        })),
      }),
    ),
    event: observe(
      "event",
      (e) =>
        bench.events.push({
          name: e.name,
          start: e.startTime,
          duration: e.duration,
          processingStart: e.processingStart,
          processingEnd: e.processingEnd,
          interactionId: e.interactionId,
        }),
      { durationThreshold: 16 },
    ),
    paint: observe("paint", (e) => bench.paints.push({ name: e.name, start: e.startTime })),
  };

  const NAMES = ["open", "import-start", "import-progress", "import-done", "import-error", "select", "submit", "close", "error"];
  for (const name of NAMES) {
    document.addEventListener(`contact-picker-${name}`, (event) => {
      let detail = null;
      try {
        detail = name === "submit" ? { count: event.detail.contacts.length } : JSON.parse(JSON.stringify(event.detail ?? null));
      } catch {}
      bench.pickerEvents.push({ name, at: performance.now(), timeStamp: event.timeStamp, target: event.target?.id ?? "", detail });
    });
  }

  const shadow = (selector) => document.querySelector(selector)?.shadowRoot ?? null;
  // The live region (role=status) changes 800 ms after the counts settle: not the list's update.
  const inStatus = (node) => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    return !!element?.closest?.("[role=status]");
  };
  bench.now = () => performance.now();

  /**
   * Measures the next `type` event (capture phase on window: composed events from the shadow
   * root arrive there with their own timeStamp). `timeout` after the event without a DOM change:
   * the figures say `changed: false` and `frame` is the first frame after the event.
   */
  bench.arm = (type, { selector = "#inline", timeout = 3000 } = {}) => {
    const root = shadow(selector);
    const m = { type, timeStamp: null, eventAt: null, dom: null, frame: null, frameAfterEvent: null, changed: false, key: null };
    let finish;
    m.done = new Promise((resolve) => (finish = resolve));
    const observer = new MutationObserver((records) => {
      if (m.timeStamp === null || m.dom !== null) return;
      if (records.every((r) => inStatus(r.target))) return;
      m.dom = performance.now();
      m.changed = true;
      m.mutations = records.length;
      requestAnimationFrame(() => {
        m.frame = performance.now();
        end();
      });
    });
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    let timer = null;
    const onEvent = (event) => {
      if (m.timeStamp !== null) return;
      m.timeStamp = event.timeStamp;
      m.eventAt = performance.now();
      m.key = event.key ?? null;
      requestAnimationFrame(() => {
        m.frameAfterEvent = performance.now();
      });
      timer = setTimeout(() => {
        if (m.dom === null) {
          m.frame = m.frameAfterEvent;
          end();
        }
      }, timeout);
    };
    const end = () => {
      clearTimeout(timer);
      observer.disconnect();
      window.removeEventListener(type, onEvent, true);
      const { done, ...figures } = m;
      finish(figures);
    };
    window.addEventListener(type, onEvent, true);
    bench.current = m;
    return true;
  };
  bench.result = () => bench.current.done;

  /** From import-done to the first [role=option] in the shadow root, and the frame after. */
  bench.watchFirstOptions = (selector = "#inline") => {
    const result = { done: null, dom: null, frame: null, afterFrame: null, options: 0 };
    let finish;
    result.promise = new Promise((resolve) => (finish = resolve));
    const root = shadow(selector);
    const check = () => {
      if (result.done === null || result.dom !== null) return;
      const options = root.querySelectorAll("[role=option]");
      if (!options.length) return;
      result.dom = performance.now();
      result.options = options.length;
      observer.disconnect();
      requestAnimationFrame(() => {
        result.frame = performance.now();
        // After the frame's rendering steps: a task posted from the frame runs after the paint.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          result.afterFrame = performance.now();
          const { promise, ...figures } = result;
          finish(figures);
        };
        channel.port2.postMessage(0);
      });
    };
    const observer = new MutationObserver(check);
    observer.observe(root, { subtree: true, childList: true });
    document.addEventListener(
      "contact-picker-import-done",
      () => {
        result.done = performance.now();
        check();
      },
      { once: true },
    );
    bench.firstOptions = result;
    return true;
  };

  /** Intervals between animation frames while nothing happens, for `ms`. */
  bench.idleFrames = (ms = 1000) =>
    new Promise((resolve) => {
      const times = [];
      const start = performance.now();
      const tick = (t) => {
        times.push(t);
        if (performance.now() - start < ms) requestAnimationFrame(tick);
        else resolve(times.slice(1).map((t, i) => t - times[i]));
      };
      requestAnimationFrame(tick);
    });

  /**
   * A fling: every frame, `scrollTop += step` (down, then back up at the end of the list),
   * for `ms`. Every frame interval is recorded (rAF timestamps). With `check`, after each
   * scroll, once the widget had its frame to render (a rAF queued from a scroll listener
   * registered after the widget's, so it runs after the widget's own rAF and the render that
   * follows it, just before the frame is painted), the options at the visible top and bottom
   * of the list are looked up with elementFromPoint (a forced layout and two hit tests in
   * every frame).
   */
  bench.fling = ({ selector = "#inline", step = 4500, ms = 2000, check = false } = {}) =>
    new Promise((resolve) => {
      const root = shadow(selector);
      const list = root.querySelector("#cp-list");
      const rect = list.getBoundingClientRect();
      const x = rect.left + Math.min(40, rect.width / 2);
      const frames = [];
      const checks = [];
      let direction = 1;
      let pending = false;
      const optionAt = (y) => root.elementFromPoint(x, y)?.closest?.("[role=option]") ?? null;
      const onScroll = () => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          const top = optionAt(rect.top + 2);
          const bottom = optionAt(rect.top + list.clientHeight - 2);
          checks.push({ at: performance.now(), scrollTop: list.scrollTop, top: !!top, bottom: !!bottom, rows: root.querySelector(".list__rows")?.style.transform ?? "" });
        });
      };
      if (check) list.addEventListener("scroll", onScroll, { passive: true });
      const start = performance.now();
      let last = null;
      const tick = (t) => {
        if (last !== null) frames.push({ t, interval: t - last });
        last = t;
        if (performance.now() - start >= ms) {
          // One more frame for the last scroll's check.
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              list.removeEventListener("scroll", onScroll);
              resolve({ frames, checks, scrollHeight: list.scrollHeight, clientHeight: list.clientHeight, start });
            }),
          );
          return;
        }
        const max = list.scrollHeight - list.clientHeight;
        let next = list.scrollTop + direction * step;
        if (next >= max || next <= 0) {
          direction = -direction;
          next = Math.max(0, Math.min(max, list.scrollTop + direction * step));
        }
        list.scrollTop = next;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
}
