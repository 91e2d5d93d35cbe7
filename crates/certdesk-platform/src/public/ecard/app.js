// The electronic card page (电子上门服务证): replaces the signed QR code every refresh from
// the card's state, keeps the last state for when the phone is offline (shown marked offline,
// without a code, since an old code proves nothing), and registers the service worker that
// keeps the page itself. No framework; the page works without this script too (its first
// code is in the HTML), it just stops refreshing.
(function () {
  "use strict";
  var root = document.querySelector("[data-ecard]");
  if (!root) return;
  var stateUrl = root.getAttribute("data-state");
  var storeKey = "ecard:" + stateUrl;
  var banner = document.querySelector("[data-verdict]");
  var qr = document.getElementById("qr");
  var note = document.getElementById("qr-note");
  var offline = document.getElementById("offline");
  var refresh = 60;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function render(s, isOffline, fetchedAt) {
    var tone = s.colour === "green" ? "ok" : s.colour === "yellow" ? "warn" : "bad";
    banner.className = "verdict " + tone;
    banner.setAttribute("data-verdict", s.verdict);
    var colour = banner.querySelector("[data-colour]");
    if (colour) {
      colour.setAttribute("data-colour", s.colour);
      colour.lastChild.textContent = s.colour_words;
      var dot = colour.querySelector(".dot");
      if (dot) dot.className = "dot " + s.colour;
    }
    var h1 = banner.querySelector("h1");
    if (h1) h1.textContent = s.title_zh;
    var en = banner.querySelector(".en");
    if (en) en.textContent = s.title_en;
    var why = banner.querySelector(".why");
    if (why) { why.textContent = s.why_zh; why.appendChild(document.createElement("br")); why.appendChild(document.createTextNode(s.why_en)); }
    if (isOffline) {
      qr.innerHTML = "";
      qr.removeAttribute("data-url");
      offline.hidden = false;
      offline.textContent = "离线：显示的是 " + clock(fetchedAt) + " 的状态，联网后才有可扫的二维码。Offline: the state as of " + clock(fetchedAt) + "; a code to scan needs the network.";
      note.textContent = "";
      return;
    }
    offline.hidden = true;
    if (s.qr_svg && s.qr_url) {
      // The platform's own SVG (modules as one path), fetched from this origin.
      qr.innerHTML = s.qr_svg;
      qr.setAttribute("data-url", s.qr_url);
      note.textContent = "二维码每分钟自动更新，截图无效。The code changes every minute; a screenshot does not verify.";
    } else {
      qr.innerHTML = "";
      qr.removeAttribute("data-url");
      note.textContent = "此卡当前无效，不显示二维码。This card is not valid now; no code is shown.";
    }
    note.setAttribute("data-signed-at", s.signed_at);
    refresh = s.refresh_seconds || 60;
  }

  function tick() {
    return fetch(stateUrl, { cache: "no-store", credentials: "omit" })
      .then(function (r) {
        if (r.status === 404) {
          var gone = { verdict: "electronic_card_unknown", colour: "red", colour_words: "红 RED", title_zh: "没有这张电子证", title_en: "No such electronic card", why_zh: "", why_en: "" };
          render(gone, false, Date.now());
          return;
        }
        if (!r.ok) throw new Error("state " + r.status);
        return r.json().then(function (s) {
          var now = Date.now();
          try { localStorage.setItem(storeKey, JSON.stringify({ state: s, at: now })); } catch (e) { /* private mode */ }
          render(s, false, now);
        });
      })
      .catch(function () {
        var kept = null;
        try { kept = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { kept = null; }
        if (kept) render(kept.state, true, kept.at);
        else { offline.hidden = false; offline.textContent = "离线 Offline"; qr.innerHTML = ""; }
      });
  }

  window.certdeskEcardTick = tick;
  tick();
  (function loop() { setTimeout(function () { tick().then(loop, loop); }, refresh * 1000); })();
  document.addEventListener("visibilitychange", function () { if (!document.hidden) tick(); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/e/sw.js", { scope: "/e/" }).catch(function () { /* offline copies are a bonus */ });
  }
})();
