import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { languages } from "../src/i18n.js";
import strings from "../src/locales/campaigns.js";
import {
  TARGET_STATES,
  areaFromLayer,
  audienceSource,
  bboxText,
  blankCampaign,
  campaignBody,
  campaignStage,
  cleanFilters,
  countByState,
  filterValues,
  formatDay,
  latestOnly,
  launching,
  percent,
  previewBody,
  repRows,
  shapeOfArea,
  targetLook,
  totals,
} from "../src/shared/campaigns.js";

// Layers as Leaflet (and so Geoman) hands them over: the same methods, plain objects.
const latLng = (lat, lng) => ({ lat, lng });
const polygonLayer = (latLngs) => ({ getLatLngs: () => latLngs });
const circleLayer = (center, radius) => ({ getLatLng: () => center, getRadius: () => radius });

describe("a drawn shape as the API's area", () => {
  test("a polygon becomes a GeoJSON Polygon: [lng, lat], six decimals, its ring closed", () => {
    const layer = polygonLayer([[latLng(44.43, 26.1), latLng(44.43, 26.11), latLng(44.4412345678, 26.105)]]);

    expect(areaFromLayer(layer)).toEqual({
      type: "Polygon",
      coordinates: [
        [
          [26.1, 44.43],
          [26.11, 44.43],
          [26.105, 44.441235],
          [26.1, 44.43],
        ],
      ],
    });
  });

  test("a flat list of corners (a working polygon while drawing) is a polygon too", () => {
    const area = areaFromLayer(polygonLayer([latLng(1, 1), latLng(1, 2), latLng(2, 2)]));

    expect(area.type).toBe("Polygon");
    expect(area.coordinates[0]).toHaveLength(4);
  });

  test("keeps a hole as the polygon's second ring", () => {
    const outer = [latLng(0, 0), latLng(0, 10), latLng(10, 10), latLng(10, 0)];
    const hole = [latLng(4, 4), latLng(4, 6), latLng(6, 6)];

    const area = areaFromLayer(polygonLayer([outer, hole]));

    expect(area.coordinates).toHaveLength(2);
    expect(area.coordinates[1]).toEqual([
      [4, 4],
      [6, 4],
      [6, 6],
      [4, 4],
    ]);
  });

  test("several parts make a MultiPolygon", () => {
    const part = (lng) => [[latLng(0, lng), latLng(0, lng + 1), latLng(1, lng + 1)]];

    const area = areaFromLayer(polygonLayer([part(0), part(5)]));

    expect(area.type).toBe("MultiPolygon");
    expect(area.coordinates.map((rings) => rings[0][0])).toEqual([
      [0, 0],
      [5, 0],
    ]);
  });

  test("a circle becomes {center: Point, radius_m}", () => {
    expect(areaFromLayer(circleLayer(latLng(44.4268, 26.1025), 1500.04))).toEqual({
      center: { type: "Point", coordinates: [26.1025, 44.4268] },
      radius_m: 1500,
    });
  });

  test("a shape drawn a world to the east moves back whole, even across the antimeridian", () => {
    const area = areaFromLayer(polygonLayer([[latLng(0, 386.1), latLng(0, 386.2), latLng(1, 386.2)]]));
    const across = areaFromLayer(polygonLayer([[latLng(0, 179), latLng(0, 181), latLng(1, 181)]]));
    const circle = areaFromLayer(circleLayer(latLng(10, -340), 100));

    expect(area.coordinates[0][0]).toEqual([26.1, 0]);
    expect(across.coordinates[0].map(([lng]) => lng)).toEqual([179, 181, 181, 179]);
    expect(circle.center.coordinates).toEqual([20, 10]);
  });

  test("anything else is no area", () => {
    expect(areaFromLayer(null)).toBeNull();
    expect(areaFromLayer({ getLatLng: () => latLng(1, 1) })).toBeNull();
    expect(areaFromLayer(polygonLayer([]))).toBeNull();
  });

  test("a saved area draws back as the shape it came from", () => {
    const polygon = areaFromLayer(polygonLayer([[latLng(1, 2), latLng(1, 3), latLng(2, 3)]]));
    const circle = { center: { type: "Point", coordinates: [26, 44] }, radius_m: 800 };

    expect(shapeOfArea(polygon)).toEqual({
      kind: "polygon",
      latLngs: [
        [
          [1, 2],
          [1, 3],
          [2, 3],
          [1, 2],
        ],
      ],
    });
    expect(shapeOfArea(circle)).toEqual({ kind: "circle", center: [44, 26], radius: 800 });
    expect(shapeOfArea({ territory_id: "t1" })).toEqual({ kind: "territory", territoryId: "t1" });
    expect(shapeOfArea(null)).toBeNull();
  });
});

describe("the filters", () => {
  test("leave out what is empty, split tags and read the days as a whole number", () => {
    const values = {
      kind: "prospect",
      status: "",
      industry: "  pharmacy ",
      tags: " vip, north,,vip ",
      not_visited_days: "60",
    };

    expect(cleanFilters(values)).toEqual({
      kind: "prospect",
      industry: "pharmacy",
      tags: ["vip", "north"],
      not_visited_days: 60,
    });
  });

  test("keep zero days and drop what is not a number", () => {
    expect(cleanFilters({ not_visited_days: "0" })).toEqual({ not_visited_days: 0 });
    expect(cleanFilters({ not_visited_days: "soon" })).toEqual({});
    expect(cleanFilters()).toEqual({});
  });

  test("go back to the form's values", () => {
    const filters = { kind: "customer", tags: ["a", "b"], not_visited_days: 30 };

    expect(cleanFilters(filterValues(filters))).toEqual(filters);
  });
});

describe("the audience preview request", () => {
  const area = { type: "Polygon", coordinates: [] };
  const bounds = { west: 26.0, south: 44.4, east: 26.2, north: 44.5 };

  test("is nothing until there is a shape, a territory or a segment", () => {
    expect(previewBody({ source: audienceSource() })).toBeNull();
  });

  test("sends the area, the filters and the map view (bbox text, whole zoom)", () => {
    const body = previewBody({
      source: audienceSource({ area }),
      filters: { kind: "prospect" },
      bounds,
      zoom: 13.6,
    });

    expect(body).toEqual({
      area,
      filters: { kind: "prospect" },
      bbox: "26.000000,44.400000,26.200000,44.500000",
      zoom: 14,
      limit: 20,
    });
  });

  test("sends a segment by its id, and no view without one", () => {
    expect(previewBody({ source: audienceSource({ area, segmentId: "s1" }) })).toEqual({
      segment_id: "s1",
      filters: {},
      limit: 20,
    });
  });

  test("keeps a view wider than the world inside it", () => {
    expect(bboxText({ west: -400, south: -95, east: 400, north: 95 })).toBe(
      "-180.000000,-90.000000,180.000000,90.000000",
    );
  });
});

describe("sending the latest preview only", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // A request stand-in: each call waits until the test answers it, and honours its signal.
  function server() {
    const calls = [];
    const send = (body, signal) =>
      new Promise((resolve, reject) => {
        calls.push({ body, signal, answer: resolve });
        signal.addEventListener("abort", () =>
          reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
        );
      });
    return { calls, send };
  }

  test("waits for a pause and sends the last body of a burst once", async () => {
    const { calls, send } = server();
    const scheduler = latestOnly(send, { delayMs: 200 });

    scheduler.schedule({ n: 1 });
    vi.advanceTimersByTime(150);
    scheduler.schedule({ n: 2 });
    vi.advanceTimersByTime(150);
    expect(calls).toHaveLength(0);
    vi.advanceTimersByTime(60);

    expect(calls.map((call) => call.body)).toEqual([{ n: 2 }]);
  });

  test("still sends during a long drag, once the longest wait has passed", () => {
    const { calls, send } = server();
    const scheduler = latestOnly(send, { delayMs: 200, maxWaitMs: 500, clock: () => Date.now() });

    for (let step = 0; step < 6; step += 1) {
      scheduler.schedule({ step });
      vi.advanceTimersByTime(100);
    }

    expect(calls.map((call) => call.body)).toEqual([{ step: 4 }]);
  });

  test("aborts the request under way and hears only the newest answer", async () => {
    const { calls, send } = server();
    const answers = [];
    const errors = [];
    const scheduler = latestOnly(send, {
      delayMs: 10,
      onAnswer: (answer) => answers.push(answer),
      onError: (error) => errors.push(error),
    });

    scheduler.schedule({ n: 1 });
    vi.advanceTimersByTime(10);
    scheduler.schedule({ n: 2 });
    vi.advanceTimersByTime(10);
    calls[0].answer({ count: 1 });
    calls[1].answer({ count: 2 });
    await vi.runAllTimersAsync();

    expect(calls[0].signal.aborted).toBe(true);
    expect(calls[1].signal.aborted).toBe(false);
    expect(answers).toEqual([{ count: 2 }]);
    expect(errors).toEqual([]);
  });

  test("reports a failure of the newest request", async () => {
    const errors = [];
    const failure = Object.assign(new Error("bad area"), { status: 422 });
    const scheduler = latestOnly(() => Promise.reject(failure), { onError: (error) => errors.push(error) });

    await scheduler.now({});

    expect(errors).toEqual([failure]);
  });

  test("cancel drops the pending request and aborts the one under way", async () => {
    const { calls, send } = server();
    const answers = [];
    const scheduler = latestOnly(send, { delayMs: 10, onAnswer: (answer) => answers.push(answer) });

    scheduler.schedule({ n: 1 });
    vi.advanceTimersByTime(10);
    scheduler.schedule({ n: 2 });
    scheduler.cancel();
    vi.advanceTimersByTime(100);
    calls[0].answer({ count: 1 });
    await vi.runAllTimersAsync();

    expect(calls).toHaveLength(1);
    expect(calls[0].signal.aborted).toBe(true);
    expect(answers).toEqual([]);
    expect(scheduler.pending).toBe(false);
  });
});

describe("the campaign body", () => {
  const area = { center: { type: "Point", coordinates: [26, 44] }, radius_m: 500 };

  test("names the task after the campaign unless it has its own title, and leaves out empty notes", () => {
    const values = {
      name: " Spring pharmacies ",
      task_title: "",
      task_notes: " ",
      due_in_days: "5",
      starts_on: "2026-12-07",
      ends_on: "",
      talking_points: "New price list",
      kind: "prospect",
    };

    expect(campaignBody(values, audienceSource({ area }))).toEqual({
      name: "Spring pharmacies",
      area,
      segment_id: null,
      filters: { kind: "prospect" },
      starts_on: "2026-12-07",
      ends_on: null,
      talking_points: "New price list",
      task_template: { title: "Spring pharmacies", due_in_days: 5 },
    });
  });

  test("carries a segment instead of an area, the task's own title and notes, and the version of a draft", () => {
    const values = {
      name: "Winter",
      task_title: "Show the winter range",
      task_notes: "Bring samples",
      due_in_days: "x",
    };

    const body = campaignBody(values, audienceSource({ segmentId: "s1" }), 3);

    expect(body).toMatchObject({
      area: null,
      segment_id: "s1",
      version: 3,
      task_template: { title: "Show the winter range", notes: "Bring samples", due_in_days: 7 },
    });
  });

  test("a blank campaign starts today and lasts four weeks", () => {
    const blank = blankCampaign(new Date(2026, 11, 4));

    expect([blank.starts_on, blank.ends_on, blank.status]).toEqual(["2026-12-04", "2027-01-01", "draft"]);
  });

  test("opens the builder while a draft and the progress afterwards", () => {
    expect(campaignStage(null)).toBe("builder");
    expect(campaignStage({ status: "draft" })).toBe("builder");
    expect(campaignStage({ status: "launched" })).toBe("progress");
    expect(campaignStage({ status: "done" })).toBe("progress");
  });

  test("is launching while the job is queued or running", () => {
    expect(launching({ launch: { state: "queued" } })).toBe(true);
    expect(launching({ launch: { state: "running", created: 3, total: 9 } })).toBe(true);
    expect(launching({ launch: { state: "done" } })).toBe(false);
    expect(launching({})).toBe(false);
  });
});

describe("the progress of a campaign", () => {
  test("shows each state with its own colour, glyph and label, an unknown one as to visit", () => {
    const looks = Object.values(TARGET_STATES);

    expect(new Set(looks.map((look) => look.colour)).size).toBe(3);
    expect(new Set(looks.map((look) => look.glyph)).size).toBe(3);
    expect(new Set(looks.map((look) => look.label)).size).toBe(3);
    expect(targetLook("converted").label).toBe("campaign.state.converted");
    expect(targetLook("lost in space")).toBe(TARGET_STATES.to_visit);
  });

  test("counts the targets per state", () => {
    const targets = ["to_visit", "visited", "visited", "converted", "odd"].map((state) => ({ state }));

    expect(countByState(targets)).toEqual({ to_visit: 2, visited: 2, converted: 1 });
  });

  test("lists the reps with the most targets first, then by name, with whole percentages", () => {
    const stats = {
      by_rep: [
        { user_id: "b", name: "Bogdan", targets: 3, visited: 1, converted: 0 },
        { user_id: "a", name: "Ana", targets: 3, visited: 2, converted: 1 },
        { user_id: "c", name: "Cora", targets: 9, visited: 0, converted: 0 },
      ],
    };

    expect(repRows(stats).map((row) => [row.name, row.visitedPercent, row.convertedPercent])).toEqual([
      ["Cora", 0, 0],
      ["Ana", 67, 33],
      ["Bogdan", 33, 0],
    ]);
  });

  test("totals the campaign, with nothing to divide by as zero", () => {
    expect(totals({ targets: 8, visited: 2, converted: 1 })).toEqual({
      targets: 8,
      visited: 2,
      converted: 1,
      visitedPercent: 25,
      convertedPercent: 13,
    });
    expect(totals(null)).toEqual({
      targets: 0,
      visited: 0,
      converted: 0,
      visitedPercent: 0,
      convertedPercent: 0,
    });
    expect(percent(1, 0)).toBe(0);
  });

  test("writes a date without time in the locale", () => {
    expect(formatDay("2026-12-04", "en-GB")).toBe("4 Dec 2026");
    expect(formatDay(null, "en")).toBe("");
  });
});

describe("the campaign screens' strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "have every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(strings[code]).sort()).toEqual(Object.keys(strings.en).sort());
      for (const [key, text] of Object.entries(strings.en))
        expect(placeholders(strings[code][key]), key).toEqual(placeholders(text));
    },
  );

  test("name every target state the progress map shows", () => {
    for (const look of Object.values(TARGET_STATES)) expect(strings.en[look.label]).toBeTruthy();
  });
});
