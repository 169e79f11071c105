import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { Listen, debounced } from "../src/views/listen.js";

describe("debounced", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("runs once, a moment after the last call of a burst", () => {
    const work = vi.fn();
    const soon = debounced(work, 300);

    soon();
    vi.advanceTimersByTime(200);
    soon();
    vi.advanceTimersByTime(299);
    expect(work).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(work).toHaveBeenCalledTimes(1);
  });

  test("still runs every so often while a burst goes on", () => {
    const work = vi.fn();
    const soon = debounced(work, 300, 1000);

    for (let elapsed = 0; elapsed < 2500; elapsed += 100) {
      soon();
      vi.advanceTimersByTime(100);
    }

    expect(work).toHaveBeenCalledTimes(2);
  });

  test("runs nothing once cancelled", () => {
    const work = vi.fn();
    const soon = debounced(work, 300);

    soon();
    soon.cancel();
    vi.advanceTimersByTime(1000);

    expect(work).not.toHaveBeenCalled();
  });
});

describe("Listen", () => {
  test("holds its listeners only while the host is connected", () => {
    const target = new EventTarget();
    const heard = vi.fn();
    const host = { addController: (controller) => (host.controller = controller) };
    new Listen(host, [[target, "ping", heard]]);

    target.dispatchEvent(new Event("ping"));
    host.controller.hostConnected();
    target.dispatchEvent(new Event("ping"));
    host.controller.hostDisconnected();
    target.dispatchEvent(new Event("ping"));

    expect(heard).toHaveBeenCalledTimes(1);
  });
});
