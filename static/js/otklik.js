/* Otklik: countdowns in working time, keyboard screening, draft preview. No dependencies. */
(function () {
  "use strict";

  // Working intervals [start, end) in server time, given by the page; the offset maps the
  // browser's clock onto the server's so that a wrong local clock cannot skew a countdown.
  var intervals = [];
  var offset = 0;

  function loadIntervals() {
    var node = document.getElementById("work-intervals");
    if (!node) return;
    try {
      var data = JSON.parse(node.textContent);
      offset = Date.parse(data.now) - Date.now();
      intervals = data.intervals.map(function (p) { return [Date.parse(p[0]), Date.parse(p[1])]; });
    } catch (e) { intervals = []; }
  }

  function serverNow() { return Date.now() + offset; }

  // Working milliseconds in [from, to): the clock stops outside working hours.
  function workingBetween(from, to) {
    var total = 0;
    for (var i = 0; i < intervals.length; i++) {
      var a = Math.max(intervals[i][0], from), b = Math.min(intervals[i][1], to);
      if (b > a) total += b - a;
    }
    return total;
  }

  function hhmm(seconds) {
    var s = Math.trunc(seconds), sign = s < 0 ? "−" : "", a = Math.abs(s);
    var m = Math.floor((a % 3600) / 60);
    return sign + Math.floor(a / 3600) + ":" + (m < 10 ? "0" : "") + m;
  }

  function tick() {
    var now = serverNow();
    var nodes = document.querySelectorAll(".countdown[data-at]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var at = Date.parse(el.dataset.at);
      var remaining = Number(el.dataset.remaining) - workingBetween(at, now) / 1000;
      var budget = Number(el.dataset.budget);
      var level = remaining < 0 ? "overdue" : (budget && remaining < 0.25 * budget ? "warn" : "ok");
      el.className = "countdown level-" + level;
      var value = el.querySelector(".cd-value");
      var text = hhmm(remaining);
      if (value && value.textContent !== text) value.textContent = text;
    }
  }

  // j/k move between rows, Enter opens, 1/2 mark, 0 goes to the refusal reason.
  function onKey(event) {
    var target = event.target;
    if (target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
    if (!rows.length) return;
    var current = target.closest("[data-row]");
    var index = rows.indexOf(current);
    if (event.key === "j" || event.key === "k") {
      var next = rows[Math.min(Math.max(index + (event.key === "j" ? 1 : -1), 0), rows.length - 1)];
      if (index < 0) next = rows[0];
      next.focus();
      event.preventDefault();
      return;
    }
    if (!current) return;
    if (event.key === "Enter" && target === current) {
      window.location.href = current.dataset.href;
    } else if (event.key === "1" || event.key === "2") {
      var button = current.querySelector('[data-key="' + event.key + '"]');
      if (button) { button.click(); event.preventDefault(); }
    } else if (event.key === "0") {
      var select = current.querySelector('[data-key="0"]');
      if (select) { select.focus(); event.preventDefault(); }
    }
  }

  // Topic suggestions (templates/intake/_topic_field.html): ↓ from the field goes to the list,
  // ↑/↓ move in it, Enter or a click puts the topic in place of the piece being typed,
  // Escape goes back to the field. The server fills the list as the field changes.
  function topicField(el) { return el.closest && el.closest(".topic-field"); }

  function pickTopic(button) {
    var field = topicField(button);
    var input = field && field.querySelector(".topic-input");
    if (!input) return;
    var parts = input.value.split(",");
    parts[parts.length - 1] = (parts.length > 1 ? " " : "") + button.dataset.topicPick;
    input.value = parts.join(",");
    field.querySelector(".topic-suggestions").innerHTML = "";
    input.focus();
  }

  function onTopicKey(event) {
    var target = event.target;
    var field = topicField(target);
    if (!field) return;
    var options = Array.prototype.slice.call(field.querySelectorAll("[data-topic-pick]"));
    var input = field.querySelector(".topic-input");
    var index = options.indexOf(target);
    if (event.key === "ArrowDown" && options.length) {
      options[Math.min(index + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      (index === 0 ? input : options[index - 1]).focus();
    } else if (event.key === "Escape" && options.length) {
      field.querySelector(".topic-suggestions").innerHTML = "";
      input.focus();
    } else if (event.key === "Enter" && index >= 0) {
      pickTopic(target);
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  function onTopicClick(event) {
    var button = event.target.closest && event.target.closest("[data-topic-pick]");
    if (button) { pickTopic(button); event.preventDefault(); }
  }

  // Actions taken inside the queue (a row's form) whose answer has not been swapped in yet.
  var actionsInFlight = [];

  function trackAction(event) {
    var queue = document.getElementById("queue");
    var elt = event.detail.elt;
    if (queue && elt !== queue && queue.contains(elt)) actionsInFlight.push(elt);
  }

  function actionDone(event) {
    var index = actionsInFlight.indexOf(event.detail.elt);
    if (index < 0) return;
    actionsInFlight.splice(index, 1);
    var queue = document.getElementById("queue");
    // Resume a refresh held back for the action, once its answer is in place.
    if (!actionsInFlight.length && queue && queue.dataset.pending) {
      setTimeout(function () { resumeRefresh({ relatedTarget: null }); }, 0);
    }
  }

  // A live refresh must not wipe what someone is typing in a queue, nor the row of an action
  // still on its way: wait until they leave it, or until the action's answer is swapped in.
  function holdRefresh(event) {
    var queue = event.detail.elt;
    if (!queue || queue.id !== "queue") return;
    if (actionsInFlight.length) {
      event.preventDefault();
      queue.dataset.pending = "1";
      return;
    }
    var active = document.activeElement;
    var typing = active && queue.contains(active) && active.matches("input, textarea, select");
    var filled = Array.prototype.some.call(queue.querySelectorAll("input:not([type=hidden]), textarea"),
      function (el) { return el.value.trim() !== ""; });
    if (typing || filled) {
      event.preventDefault();
      queue.dataset.pending = "1";
    }
  }

  function resumeRefresh(event) {
    var queue = document.getElementById("queue");
    if (queue && queue.dataset.pending && !queue.contains(event.relatedTarget)) {
      delete queue.dataset.pending;
      if (window.htmx) window.htmx.trigger(queue, "sse:change");
    }
  }

  // Decisions just taken in the «Новые» queue (with their undo button) survive a live refresh.
  var keptResults = [];

  function keepResults(event) {
    var queue = event.detail.elt;
    if (!queue || queue.id !== "queue") return;
    keptResults = Array.prototype.slice.call(queue.querySelectorAll('[data-testid="new-row-result"]'));
  }

  function restoreResults(event) {
    var queue = event.detail.elt;
    if (!queue || queue.id !== "queue" || !keptResults.length) return;
    var list = queue.querySelector(".cards");
    if (!list) {
      list = document.createElement("ul");
      list.className = "cards";
      queue.insertBefore(list, queue.firstChild);
    }
    for (var i = keptResults.length - 1; i >= 0; i--) {
      var id = keptResults[i].id;
      if (id && document.getElementById(id)) {
        var fresh = document.getElementById(id);
        fresh.parentNode.replaceChild(keptResults[i], fresh);
      } else {
        list.insertBefore(keptResults[i], list.firstChild);
      }
    }
    keptResults = [];
    if (window.htmx) window.htmx.process(queue);
  }

  function preview(event) {
    var area = event.target;
    if (!area.matches || !area.matches("textarea[data-preview]")) return;
    var box = document.getElementById(area.dataset.preview);
    if (!box) return;
    box.querySelector(".preview-text").textContent = area.value;
    var limit = Number(area.dataset.limit || 0);
    var count = box.querySelector(".preview-count");
    count.textContent = limit ? area.value.length + " из " + limit + " знаков" : area.value.length + " знаков";
    box.classList.toggle("over", limit > 0 && area.value.length > limit);
  }

  document.addEventListener("DOMContentLoaded", function () {
    loadIntervals();
    tick();
    setInterval(tick, 1000);
    document.addEventListener("keydown", onTopicKey, true);
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onTopicClick);
    // Destructive admin actions ask first (the server still checks everything).
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
    document.addEventListener("input", preview);
    document.addEventListener("htmx:beforeRequest", trackAction);
    document.addEventListener("htmx:beforeRequest", holdRefresh);
    document.addEventListener("htmx:afterRequest", actionDone);
    document.addEventListener("htmx:beforeSwap", keepResults);
    document.addEventListener("htmx:afterSwap", restoreResults);
    document.addEventListener("focusout", resumeRefresh);
    document.body.addEventListener("htmx:afterSwap", function () { loadIntervals(); tick(); });
    // Marks a live connection as open (tests and people can see the page is live).
    document.body.addEventListener("htmx:sseOpen", function (event) {
      var source = event.detail && event.detail.elt ? event.detail.elt : event.target;
      if (source && source.setAttribute) source.setAttribute("data-live", "open");
    });
  });
})();
