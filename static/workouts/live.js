/* Live training updates: the page's member's events over a WebSocket on this host.
 *
 * A container with data-live-member="<uuid>" subscribes to /ws/workouts/members/<uuid>/. New sets
 * are appended to its [data-live-sets] table body (only those of the page's session, data-session,
 * unless data-live-any-session), and every event is also written to [data-live-feed]. The server
 * refuses anyone who may not see the member (close code 4403, or the handshake fails): then the
 * page stays as it is and says so. Other closes reconnect with a growing delay.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-live-member]");
  if (!box) return;
  var member = box.getAttribute("data-live-member");
  var session = box.getAttribute("data-session");
  var anySession = box.hasAttribute("data-live-any-session");
  var body = box.querySelector("[data-live-sets]");
  var feed = box.querySelector("[data-live-feed]");
  var status = box.querySelector("[data-live-status]");

  function cell(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    return node;
  }

  function effort(set) {
    if (set.rpe) return "RPE " + set.rpe;
    if (set.rir) return "RIR " + set.rir;
    return "—";
  }

  function addSet(set) {
    if (!body || !set || (!anySession && session && set.session_id !== session)) return false;
    if (body.querySelector('[data-set-id="' + set.id + '"]')) return false;
    var row = document.createElement("tr");
    row.setAttribute("data-set-id", set.id);
    row.appendChild(cell("td", String(set.order)));
    var name = cell("th", set.exercise_name);
    name.setAttribute("scope", "row");
    row.appendChild(name);
    row.appendChild(cell("td", set.set_type));
    row.appendChild(cell("td", String(set.reps)));
    row.appendChild(cell("td", set.load + " " + set.unit));
    row.appendChild(cell("td", effort(set)));
    row.appendChild(cell("td", set.e1rm_kg || "—"));
    body.appendChild(row);
    return true;
  }

  function note(text) {
    if (!feed) return;
    var item = cell("li", text);
    feed.insertBefore(item, feed.firstChild);
  }

  function describeRecord(r) {
    if (r.kind === "rep_max") return r.reps + "-rep max " + r.value_kg + " kg";
    if (r.kind === "e1rm") return "e1RM " + r.value_kg + " kg";
    return "best set volume " + r.value_kg + " kg";
  }

  function handle(event) {
    if (event.type === "set_logged") {
      addSet(event.set);
      note(event.set.exercise_name + ": " + event.set.reps + " × " + event.set.load + " " + event.set.unit);
      (event.records || []).forEach(function (r) { note("New record on " + r.exercise_name + ": " + describeRecord(r)); });
    } else if (event.type === "session_finished") {
      note("Session finished: " + event.sets + " sets, " + event.volume_kg + " kg volume.");
    } else if (event.type === "exercise_swapped") {
      note("Swapped in " + event.exercise_name + ". " + event.reason);
    }
  }

  var delay = 1000;
  function connect() {
    if (!("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/workouts/members/" + member + "/");
    socket.onopen = function () {
      delay = 1000;
      box.setAttribute("data-live", "open");
      if (status) status.textContent = "Live: new sets appear as they are logged.";
    };
    socket.onmessage = function (message) {
      try { handle(JSON.parse(message.data)); } catch (e) { /* a malformed message is ignored */ }
    };
    socket.onclose = function (closed) {
      box.setAttribute("data-live", "closed");
      if (closed.code === 4403) {
        if (status) status.textContent = "Live updates are not available for you here.";
        return;
      }
      if (status) status.textContent = "Reconnecting…";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  window.GymLive = {addSet: addSet};
  connect();
})();
