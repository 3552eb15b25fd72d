// Badges for streaks and personal records: the first-party sample plugin (V8 kind).
// The same hooks, storage keys and notifications as 1.0.0's plugin.py (see there).
const STREAK_BADGES = [[3, "streak-3"], [7, "streak-7"], [30, "streak-30"]];

function member(event) {
  const id = event.member_id || event.user_id;
  if (typeof id !== "string") throw new Error("the event names no member");
  return id;
}

function dayNumber(iso) {
  return Math.round(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000);
}

async function load(callHost, key, fallback) {
  const found = await callHost("storage.get", { key });
  return found.found ? found.value : fallback;
}

async function announce(callHost, config, who, badge) {
  if (config.announce === false) return false;
  const prefix = config.title_prefix || "New badge";
  try {
    await callHost("notifications.send", { member_id: who, title: `${prefix}: ${badge}`, body: `You earned ${badge}.` });
  } catch (error) {
    return false;
  }
  return true;
}

globalThis.hooks = {
  on_workout_completed: async (payload, callHost) => {
    const event = payload.event;
    const config = payload.config || {};
    const who = member(event);
    // Day numbers relative to 0001-01-01, like Python's date.toordinal().
    const day = dayNumber(String(event.occurred_at)) + 719163;
    const key = `streak:${who}`;
    const state = await load(callHost, key, { last_day: null, run: 0, badges: [] });
    if (state.last_day === day) return { member_id: who, run: state.run, awarded: [] };
    state.run = state.last_day === day - 1 ? state.run + 1 : 1;
    state.last_day = day;
    const awarded = STREAK_BADGES.filter(([t, name]) => state.run >= t && !state.badges.includes(name)).map(([, n]) => n);
    state.badges = state.badges.concat(awarded);
    await callHost("storage.set", { key, value: state });
    const announced = [];
    for (const badge of awarded) if (await announce(callHost, config, who, badge)) announced.push(badge);
    return { member_id: who, run: state.run, awarded, announced };
  },
  on_personal_record_set: async (payload, callHost) => {
    const event = payload.event;
    const config = payload.config || {};
    const who = member(event);
    const key = `records:${who}`;
    const count = (await load(callHost, key, 0)) + 1;
    await callHost("storage.set", { key, value: count });
    const awarded = [[1, "first-pr"], [10, "pr-10"]].filter(([t]) => count === t).map(([, n]) => n);
    const announced = [];
    for (const badge of awarded) if (await announce(callHost, config, who, badge)) announced.push(badge);
    return { member_id: who, records: count, awarded, announced };
  },
  health_ping: async () => ({ status: "pong" }),
};
