/* Today's workout: log sets through the API (idempotent client ids, retried on a bad
 * connection), a rest timer, and the plate calculator (the engine's breakdown for the gym's
 * plates, from /api/v1/workouts/plates/). No inline scripts: the page's data is in attributes.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-session]");
  var form = document.querySelector("[data-testid=log-form]");
  if (!box || !form) return;
  var sessionId = box.getAttribute("data-session");
  var statusLine = form.querySelector("[data-testid=log-status]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function say(text, bad) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", !!bad);
  }

  function problems(body) {
    var error = (body && body.error) || {};
    if (error.fields) {
      return Object.keys(error.fields).map(function (k) { return k + ": " + [].concat(error.fields[k]).join(" "); }).join(" ");
    }
    return error.message || "The set was not logged.";
  }

  function post(url, payload, attempt) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(payload)
    }).catch(function (err) {
      // Network trouble: the same id makes the retry safe (the server logs the set once).
      if (attempt >= 5) throw err;
      say("Connection problem, retrying…", true);
      return new Promise(function (resolve) { setTimeout(resolve, 500 * Math.pow(2, attempt)); })
        .then(function () { return post(url, payload, attempt + 1); });
    });
  }

  function value(name) {
    var field = form.elements[name];
    return field && field.value !== "" ? field.value : null;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var select = form.elements.exercise;
    var option = select.options[select.selectedIndex];
    var payload = {
      id: uuid(),
      exercise: select.value,
      reps: Number(value("reps")),
      load: value("load") || "0",
      rpe: value("rpe"),
      rir: value("rir"),
      set_type: value("set_type") || "working",
      note: value("note") || ""
    };
    if (option && option.getAttribute("data-session-exercise")) {
      payload.session_exercise = Number(option.getAttribute("data-session-exercise"));
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say("Logging…");
    post("/api/v1/workouts/sessions/" + sessionId + "/sets/", payload, 0)
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (result) {
        if (!result.ok) { say(problems(result.body), true); return; }
        var set = result.body.set;
        if (window.GymLive) window.GymLive.addSet(set);
        var text = "Logged " + set.exercise_name + ": " + set.reps + " × " + set.load + " " + set.unit + ".";
        (result.body.records || []).forEach(function (r) { text += " New record (" + r.kind.replace("_", " ") + ")!"; });
        if (result.body.next_set) text += " Next set: " + result.body.next_set.reason;
        say(text);
        form.elements.note.value = "";
        var planned = document.querySelector('[data-session-exercise="' + (payload.session_exercise || "") + '"][data-rest]');
        var rest = planned && planned.getAttribute("data-rest");
        startTimer(rest ? Number(rest) : null);
      })
      .catch(function () { say("No connection: the set was not logged. Try again; it will not be logged twice.", true); })
      .then(function () { button.disabled = false; });
  });

  // Rest timer
  var display = document.querySelector("[data-timer-display]");
  var secondsInput = document.getElementById("rest-seconds");
  var timer = null, endsAt = 0;
  function show(left) {
    var s = Math.max(0, Math.ceil(left / 1000));
    display.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }
  function tick() {
    var left = endsAt - Date.now();
    show(left);
    if (left <= 0) {
      stopTimer();
      display.textContent = "Rest over";
      if (navigator.vibrate) navigator.vibrate(300);
    }
  }
  function startTimer(seconds) {
    stopTimer();
    var s = seconds || Number(secondsInput.value) || 120;
    secondsInput.value = String(s);
    endsAt = Date.now() + s * 1000;
    show(s * 1000);
    timer = setInterval(tick, 250);
  }
  function stopTimer() {
    if (timer) clearInterval(timer);
    timer = null;
  }
  document.querySelector("[data-timer-start]").addEventListener("click", function () { startTimer(null); });
  document.querySelector("[data-timer-stop]").addEventListener("click", function () { stopTimer(); show(0); });

  // Swap an exercise for one of the suggested substitutes (same muscle, gym's equipment,
  // nothing the member's restrictions exclude), each shown with its reason.
  document.querySelectorAll("[data-swap]").forEach(function (button) {
    button.addEventListener("click", function () {
      var entry = button.getAttribute("data-swap");
      var list = document.querySelector('[data-swap-list="' + entry + '"]');
      list.textContent = "Looking for substitutes…";
      fetch("/api/v1/workouts/sessions/" + sessionId + "/substitutes/?session_exercise=" + entry,
        {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); })
        .then(function (res) {
          list.textContent = "";
          if (!res.ok) { list.textContent = problems(res.body); return; }
          if (!res.body.length) { list.textContent = "No substitute fits."; return; }
          res.body.forEach(function (sub) {
            var item = document.createElement("li");
            var use = document.createElement("button");
            use.type = "button";
            use.className = "link-button";
            use.textContent = "Use " + sub.name;
            use.addEventListener("click", function () {
              post("/api/v1/workouts/sessions/" + sessionId + "/swap/",
                {session_exercise: Number(entry), exercise: sub.exercise_id}, 0)
                .then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); })
                .then(function (done) {
                  if (done.ok) location.reload();
                  else list.textContent = problems(done.body);
                });
            });
            item.appendChild(use);
            item.appendChild(document.createTextNode(" " + sub.reason));
            list.appendChild(item);
          });
        })
        .catch(function () { list.textContent = "No connection."; });
    });
  });

  // Plate calculator
  var plates = document.querySelector("[data-plates]");
  var platesOut = document.querySelector("[data-plates-result]");
  plates.addEventListener("submit", function (event) {
    event.preventDefault();
    var load = document.getElementById("plates-load").value;
    fetch("/api/v1/workouts/plates/?load=" + encodeURIComponent(load), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); })
      .then(function (res) {
        if (!res.ok) { platesOut.textContent = problems(res.body); return; }
        var b = res.body;
        platesOut.textContent = (b.total !== b.target ? "Nearest loadable: " : "") + b.description;
      })
      .catch(function () { platesOut.textContent = "No connection."; });
  });
})();
