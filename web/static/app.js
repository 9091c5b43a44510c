/* A ticket's live page: follow the ticket by Server-Sent Events, ring and vibrate on a call. */
(function () {
  "use strict";
  var main = document.getElementById("main");
  var url = main && main.getAttribute("data-stream");
  if (!url) { return; }
  var byId = function (id) { return document.getElementById(id); };
  var status = byId("status");
  var connection = byId("connection");
  var button = byId("alert");
  var ended = { done: true, no_show: true, ended: true };
  var storeKey = "motcua-call:" + url;
  var lastCall = null;
  var audio = null;
  var source = null;
  var rang = 0;
  var delay = 5000;
  var gone = false;
  try { lastCall = window.sessionStorage.getItem(storeKey); } catch (e) { lastCall = null; }

  function tone(at, frequency) {
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.32);
  }

  function beep(count) {
    rang += 1;
    main.setAttribute("data-rang", String(rang));
    try {
      if (!audio) {
        var Context = window.AudioContext || window.webkitAudioContext;
        if (!Context) { return; }
        audio = new Context();
      }
      if (audio.state === "suspended") { audio.resume(); }
      var start = audio.currentTime + 0.05;
      for (var i = 0; i < count; i += 1) {
        tone(start + i * 0.4, i % 2 ? 1175 : 880);
      }
    } catch (e) { /* no sound on this phone: the screen and vibration still tell */ }
  }

  function vibrate(pattern) {
    try {
      if (navigator.vibrate) { navigator.vibrate(pattern); }
    } catch (e) { /* not supported */ }
  }

  function show(view) {
    byId("headline").textContent = view.headline;
    byId("detail").textContent = view.detail;
    byId("wait").textContent = view.wait;
    byId("service").textContent = view.service;
    status.className = "status stage-" + view.stage;
    if (view.call && view.call !== lastCall) {
      lastCall = view.call;
      try { window.sessionStorage.setItem(storeKey, view.call); } catch (e) { /* private mode */ }
      byId("announce").textContent = view.headline;
      document.title = view.headline;
      beep(6);
      vibrate([500, 200, 500, 200, 800]);
    }
    if (ended[view.stage] && source) {
      source.close();
      source = null;
      connection.textContent = "";
    }
  }

  function online(yes) {
    connection.textContent = main.getAttribute(yes ? "data-live" : "data-reconnecting");
    connection.className = yes ? "connection" : "connection lost";
  }

  function connect() {
    if (source) { source.close(); }
    source = new EventSource(url);
    source.addEventListener("ticket", function (event) {
      online(true);
      show(JSON.parse(event.data));
    });
    source.addEventListener("gone", function (event) {
      source.close();
      source = null;
      gone = true;
      byId("headline").textContent = JSON.parse(event.data).headline;
      byId("detail").textContent = "";
      byId("wait").textContent = "";
      status.className = "status stage-ended";
      connection.textContent = "";
    });
    source.onopen = function () {
      online(true);
      delay = 5000;
    };
    source.onerror = function () {
      if (gone) { return; }
      online(false);
      if (source && source.readyState === 2) {
        // Refused (busy): try again later, waiting longer each time, up to a minute.
        source = null;
        window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 60000);
      }
    };
  }

  button.addEventListener("click", function () {
    beep(1);
    vibrate(200);
    button.textContent = main.getAttribute("data-alert-ready");
    button.className = "button ready";
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !source && !gone && !ended[status.className.replace("status stage-", "")]) {
      connect();
    }
  });
  if (!ended[status.className.replace("status stage-", "")]) { connect(); }
}());
