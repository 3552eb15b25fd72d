// Badges for streaks and personal records (first-party sample plugin, JavaScript for V8).
// Same rules, validation and host calls as plugin.py and badges.wat; see plugin.py for the spec.
const BOUNDS = { day: 2 ** 20, exercise: 4096, load_g: 10 ** 12, reps: 10 ** 6 };

function validate(payload) {
  const events = payload.events;
  if (!Array.isArray(events)) throw new TypeError("events must be a list");
  const expected = Object.keys(BOUNDS).sort().join(",");
  for (const event of events) {
    if (event === null || typeof event !== "object" || Array.isArray(event) ||
        Object.keys(event).sort().join(",") !== expected) {
      throw new Error("each event has exactly day, exercise, load_g and reps");
    }
    for (const [key, bound] of Object.entries(BOUNDS)) {
      const value = event[key];
      if (!Number.isInteger(value) || value < 0 || value >= bound) {
        throw new Error(`${key} must be an integer in [0, ${bound})`);
      }
    }
  }
  return events;
}

function evaluateEvents(events) {
  const days = [...new Set(events.map((e) => e.day))].sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  let previous = null;
  for (const day of days) {
    run = previous !== null && day === previous + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = day;
  }
  const best = new Map();
  let records = 0;
  for (const event of events) {
    const had = best.has(event.exercise);
    if (had && event.load_g > best.get(event.exercise)) records += 1;
    if (!had || event.load_g > best.get(event.exercise)) best.set(event.exercise, event.load_g);
  }
  const badges = [["streak-3", 3], ["streak-7", 7], ["streak-30", 30]]
    .filter(([, threshold]) => longest >= threshold)
    .map(([name]) => name);
  if (records >= 1) badges.push("first-pr");
  if (records >= 10) badges.push("pr-10");
  return { badges, longest_streak: longest, personal_records: records };
}

globalThis.hooks = {
  "badges.evaluate": async (payload, callHost) => {
    const result = evaluateEvents(validate(payload));
    for (const badge of result.badges) {
      await callHost("badges.award", { badge });
    }
    return result;
  },
};
