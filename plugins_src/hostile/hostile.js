// A hostile JavaScript plugin for the containment suite (apps/plugins/tests/sandbox).
globalThis.hooks = {
  ok: async (payload) => ({ pong: payload.n || 0 }),
  spin: async () => {
    for (;;) {}
  },
  allocate: async () => {
    const chunks = [];
    for (;;) chunks.push(new Array(1 << 20).fill(1.5));
  },
  external: async () => {
    const buffers = [];
    for (;;) {
      const buffer = new Uint8Array(16 * 1024 * 1024);
      buffer.fill(7);
      buffers.push(buffer);
    }
  },
  call_unknown: async (payload, callHost) => callHost("db.query", { sql: "SELECT 1" }),
  escape: async () => {
    const found = [];
    for (const name of ["require", "process", "fetch", "XMLHttpRequest", "Deno", "Bun", "WebSocket"]) {
      if (typeof globalThis[name] !== "undefined") found.push(name);
    }
    return { found };
  },
};
