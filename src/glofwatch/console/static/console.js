// glofwatch duty officer's console. Plain JavaScript, no build step; Leaflet (map) and uPlot (charts) vendored.
// Data: /api/v1 (session cookie + X-CSRF-Token on POST). Live: /api/v1/live (SSE) says what to re-read.
"use strict";

const API = "/api/v1";
const S = { csrf: null, user: null, site: null, map: null, layers: {}, stations: [], alerts: [], selAlert: null,
            chart: null, chartKey: null, es: null, ready: false, maint: [], maintTimer: null };
const LEVEL_COLOUR = { advisory: "#f1c40f", watch: "#e67e22", warning: "#d35400", evacuate: "#b00020" };
const HEALTH_COLOUR = { ok: "#2a9d8f", late: "#e9a23b", silent: "#c0392b", never: "#8d8d8d" };
const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const fmtTime = (ms) => (ms == null ? "-" : new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC");
// HH:MM UTC, with the date (MM-DD) when it is not today
const fmtHM = (ms) => { const d = new Date(ms).toISOString(); return (d.slice(0, 10) === new Date().toISOString().slice(0, 10) ? "" : d.slice(5, 10) + " ") + d.slice(11, 16) + " UTC"; };

async function api(path, opts = {}) {
  const o = { credentials: "same-origin", headers: { Accept: "application/json" }, ...opts };
  if (o.body && typeof o.body !== "string") { o.body = JSON.stringify(o.body); o.headers["Content-Type"] = "application/json"; }
  if (o.method && o.method !== "GET" && S.csrf) o.headers["X-CSRF-Token"] = S.csrf;
  const r = await fetch(API + path, o);
  if (r.status === 401 && !path.startsWith("/auth/")) { showLogin(); throw new Error("login"); }
  const ct = r.headers.get("content-type") || "";
  const data = ct.includes("json") ? await r.json() : await r.text();
  if (!r.ok) { const e = new Error((data && data.detail) ? (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)) : r.statusText); e.status = r.status; e.data = data; throw e; }
  return data;
}

// ------------------------------------------------------------------------------------------ login
function showLogin() {
  $("#login").hidden = false; $("#main").hidden = true; $("#logout").hidden = true; $("#who").textContent = "";
  if (S.es) { S.es.close(); S.es = null; }
}

async function onLogin(ev) {
  ev.preventDefault();
  const f = ev.target;
  $("#login-error").textContent = "";
  try {
    const me = await api("/auth/login", { method: "POST", body: { username: f.username.value, password: f.password.value } });
    f.password.value = "";
    await start(me);
  } catch (e) {
    $("#login-error").textContent = e.status === 429 ? t("wait", { s: (e.message.match(/(\d+) s/) || [0, "?"])[1] }) : t("login_failed");
  }
}

async function start(me) {
  S.csrf = me.csrf; S.user = me;
  $("#who").textContent = `${me.username} (${t("role_" + me.role)})`;
  $("#logout").hidden = false; $("#login").hidden = true; $("#main").hidden = false;
  document.body.classList.toggle("can-operate", me.role === "operator" || me.role === "admin");
  document.querySelectorAll(".operator-only").forEach((el) => { el.hidden = !(me.role === "operator" || me.role === "admin"); });
  S.site = await api("/site");
  $("#site-name").textContent = S.site.name;
  fillIssueForm();
  await Promise.all([S.map ? drawZones() : initMap(), refreshStations(), refreshAlerts()]);
  connectLive();
  S.ready = true;
  document.body.dataset.ready = "1";
  performance.mark("glofwatch:interactive");  // map, station table and alert timeline drawn (benchmarks read it)
}

// -------------------------------------------------------------------------------------------- map
function initMap() {
  // No tile layer: the console works offline. Lakes, rivers, zones and stations are drawn on a plain background.
  const b = S.site.bounds;
  S.map = L.map("map", { zoomControl: true, attributionControl: false, preferCanvas: false });
  S.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30] });
  L.control.scale({ imperial: false }).addTo(S.map);
  for (const name of ["zones", "flow_paths", "households", "lakes", "sirens", "shelters", "stations"]) S.layers[name] = L.layerGroup().addTo(S.map);
  S.map.removeLayer(S.layers.households);
  L.control.layers(null, {
    [t("map_zones")]: S.layers.zones, [t("map_rivers")]: S.layers.flow_paths, [t("map_lakes")]: S.layers.lakes,
    [t("map_stations")]: S.layers.stations, [t("map_sirens")]: S.layers.sirens, [t("map_shelters")]: S.layers.shelters,
    [t("map_households")]: S.layers.households,
  }, { collapsed: true }).addTo(S.map);
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => {
    const d = L.DomUtil.create("div", "legend");
    d.innerHTML = Object.entries(LEVEL_COLOUR).map(([k, c]) => `<i style="background:${c}"></i>${esc(t("lvl_" + k))}`).join("<br>") +
      "<br>" + Object.entries(HEALTH_COLOUR).map(([k, c]) => `<i style="background:${c};border-radius:50%"></i>${esc(t("st_" + k))}`).join("<br>");
    return d;
  };
  legend.addTo(S.map);
  return drawStatic();
}

async function drawStatic() {
  const [paths, lakes, sirens, shelters, households] = await Promise.all(
    ["flow_paths", "lakes", "sirens", "shelters", "households"].map((l) => api("/geo/" + l)));
  S.shelters = shelters.features;
  L.geoJSON(paths, { style: { color: "#3a7bd5", weight: 2.5, dashArray: "6 4", opacity: 0.8 } })
    .bindTooltip((l) => `${esc(l.feature.properties.river)} (${esc(l.feature.properties.lake)})`).addTo(S.layers.flow_paths);
  for (const f of lakes.features) {
    const p = f.properties, [x, y] = f.geometry.coordinates;
    // pixel size (not metres): a 3-9 ha lake must stay visible when both valleys are on screen
    const r = p.area_m2 ? Math.min(12, Math.max(6, Math.sqrt(p.area_m2) / 30)) : 7;
    S.lakeMarkers = S.lakeMarkers || {};
    S.lakeMarkers[p.id] = L.circleMarker([y, x], { radius: r, color: "#1f6fb2", fillColor: "#74b3e8", fillOpacity: 0.95, weight: 2 })
      .bindTooltip(`${esc(p.name || p.id)}<br>${esc(p.dam)} · ${p.area_m2 ? (p.area_m2 / 1e4).toFixed(1) + " ha" : ""}`)
      .addTo(S.layers.lakes);
    L.marker([y, x], { icon: L.divIcon({ className: "map-label", html: esc(p.id), iconSize: [60, 14], iconAnchor: [-8, 7] }) }).addTo(S.layers.lakes);
  }
  for (const f of sirens.features) {
    const [x, y] = f.geometry.coordinates;
    L.marker([y, x], { icon: L.divIcon({ className: "", html: '<div class="siren-icon"></div>', iconSize: [14, 12] }) })
      .bindTooltip(`${t("map_sirens")}: ${esc(f.properties.id)}`).addTo(S.layers.sirens);
  }
  for (const f of shelters.features) {
    const [x, y] = f.geometry.coordinates, p = f.properties;
    L.marker([y, x], { icon: L.divIcon({ className: "", html: '<div class="shelter-icon"></div>', iconSize: [12, 12] }) })
      .bindTooltip(`${esc(p.name)} (${p.capacity})`).addTo(S.layers.shelters);
  }
  for (const f of households.features) {
    const [x, y] = f.geometry.coordinates, p = f.properties;
    L.circleMarker([y, x], { radius: 2.5, weight: 0, fillColor: p.vulnerable ? "#8e44ad" : "#555", fillOpacity: 0.8 })
      .bindTooltip(`${esc(p.id)}: ${p.members} / ${p.vulnerable}`).addTo(S.layers.households);
  }
  drawLakeHazard();
  await drawZones();
}

// Lake tooltips with the lakes package's numbers: volume, peak discharge (range), growth.
function drawLakeHazard() {
  for (const lk of S.lakes || []) {
    const m = S.lakeMarkers && S.lakeMarkers[lk.id], hz = lk.hazard;
    if (!m || !hz) continue;
    const g = lk.growth ? `<br>${esc(t("growth"))}: ${Number(lk.growth.pct_per_year ?? lk.growth.rate_pct_per_year ?? 0).toFixed(1)} %/yr` : "";
    m.setTooltipContent(`<b>${esc(lk.name || lk.id)}</b> (${esc(lk.dam)})<br>${(hz.area_m2 / 1e4).toFixed(1)} ha · ` +
      `${(hz.volume_m3 / 1e6).toFixed(2)} M m³<br>Qp ${Math.round(hz.peak_discharge_m3s)} m³/s ` +
      `(${Math.round(hz.peak_discharge_range_m3s[0])}–${Math.round(hz.peak_discharge_range_m3s[1])})${g}` +
      (lk.decision ? `<br><b>${esc(t("lvl_" + lk.decision.level))}</b>` : ""));
  }
}

async function drawZones() {
  const zones = await api("/geo/zones");
  S.layers.zones.clearLayers();
  L.geoJSON(zones, {
    style: (f) => {
      const lv = f.properties.level, c = LEVEL_COLOUR[lv] || "#7f8c8d";
      return { color: c, weight: lv ? 2.5 : 1, fillColor: c, fillOpacity: lv ? 0.45 : 0.12, dashArray: f.properties.drill ? "5 4" : null };
    },
    onEachFeature: (f, l) => {
      const p = f.properties;
      l.bindTooltip(`<b>${esc(p.name || p.id)}</b><br>${p.level ? esc(t("lvl_" + p.level)) + (p.drill ? " (" + esc(t("drill_tag")) + ")" : "") + "<br>" : ""}` +
        `${p.households} ${esc(t("c_households"))}, ${p.people} ${esc(t("c_people"))}, ${p.vulnerable} ${esc(t("vulnerable"))}`);
    },
  }).addTo(S.layers.zones);
  for (const f of zones.features) {  // labels: the zone ids the issue form uses
    const ring = f.geometry.coordinates[0], xs = ring.map((p) => p[0]), ys = ring.map((p) => p[1]);
    L.marker([Math.max(...ys), Math.max(...xs)], { interactive: false,
      icon: L.divIcon({ className: "map-label", html: esc(f.properties.id), iconSize: [80, 14], iconAnchor: [-4, 7] }) }).addTo(S.layers.zones);
  }
  const top = zones.features.filter((f) => f.properties.level).sort((a, b) => rank(b.properties.level) - rank(a.properties.level))[0];
  const ban = $("#level-banner");
  if (top) {
    ban.hidden = false; ban.style.background = LEVEL_COLOUR[top.properties.level];
    ban.textContent = t("lvl_" + top.properties.level).toUpperCase() + (top.properties.drill ? " · " + t("drill_tag") : "");
  } else ban.hidden = true;
  document.body.dataset.zonesDrawn = String(Date.now());
}
const rank = (lv) => ["advisory", "watch", "warning", "evacuate"].indexOf(lv) + 1;

function drawStations() {
  S.layers.stations.clearLayers();
  for (const s of S.stations) {
    if (!s.location) continue;
    const mw = maintOf(s.station).filter((w) => w.active);  // under maintenance: a violet ring
    const m = L.circleMarker([s.location[1], s.location[0]], { radius: 7, color: mw.length ? "#6c5ce7" : "#fff", weight: mw.length ? 3 : 2,
                                                               fillColor: HEALTH_COLOUR[s.state], fillOpacity: 1 })
      .bindTooltip(`<b>${esc(s.name || s.station)}</b><br>${esc(t("st_" + s.state))} · ${fmtTime(s.last_obs_ms)}` +
        mw.map((w) => `<br>${esc(maintText(w))}`).join(""));
    m.on("click", () => selectStation(s.station));
    m.addTo(S.layers.stations);
  }
  document.body.dataset.stationsDrawn = String(S.stations.length);
}

// --------------------------------------------------------------------------------------- stations
async function refreshStations() {
  [S.stations, S.maint] = await Promise.all([api("/stations"), api("/maintenance")]);
  scheduleMaint();
  fillMaintForm();
  drawStations();
  const tb = $("#stations-table tbody");
  tb.innerHTML = "";
  for (const s of S.stations) {
    const vals = s.sensors.filter((x) => x.value != null && x.sensor !== "battery")
      .map((x) => `<a href="#" data-sensor="${esc(x.sensor)}">${esc(x.sensor)}</a> ${Number(x.value).toPrecision(3)} ${esc(x.unit)}${x.flags.length ? " ⚑" : ""}`).join("<br>");
    const bat = s.battery_v == null ? "" : ` · ${s.battery_v.toFixed(1)} V${s.battery_low ? " ⚠" : ""}`;
    const tr = document.createElement("tr");
    tr.className = "clickable"; tr.dataset.station = s.station;
    tr.innerHTML = `<td>${esc(s.station)}${maintBadges(s.station)}</td><td><span class="state state-${s.state}">${esc(t("st_" + s.state))}</span></td>` +
      `<td>${fmtTime(s.last_obs_ms)}${bat}</td><td>${vals || "-"}</td>`;
    tr.querySelectorAll("button.maint-end").forEach((b) => b.addEventListener("click", (e) => {
      e.stopPropagation();
      endMaint(Number(b.closest(".maint").dataset.window));
    }));
    tr.addEventListener("click", (e) => {
      e.preventDefault();
      selectStation(s.station, e.target.dataset && e.target.dataset.sensor);
    });
    tb.appendChild(tr);
  }
  if (!S.chartKey && S.stations.length) {
    const first = S.stations.find((s) => s.kind === "lake" && s.last_obs_ms) || S.stations.find((s) => s.last_obs_ms);
    if (first) selectStation(first.station);
  } else if (S.chartKey) drawChart();
}

function selectStation(id, sensor) {
  const s = S.stations.find((x) => x.station === id);
  if (!s) return;
  const pref = ["water_level", "stage", "ground_velocity", "precipitation", "air_temperature"];
  sensor = sensor || pref.find((p) => s.sensors.some((x) => x.sensor === p)) || (s.sensors[0] && s.sensors[0].sensor);
  S.chartKey = { station: id, sensor, end: s.last_obs_ms };
  const mf = $("#maint-form");
  if (mf.station.value !== id) { mf.station.value = id; fillMaintSensors(); }
  document.querySelectorAll("#stations-table tr").forEach((tr) => tr.classList.toggle("sel", tr.dataset.station === id));
  drawChart();
}

async function drawChart() {
  const k = S.chartKey, hours = Number($("#chart-window").value);
  const st = S.stations.find((x) => x.station === k.station);
  const endMs = (st && st.last_obs_ms) || Date.now();
  const end = new Date(endMs + 60000).toISOString(), start = new Date(endMs + 60000 - hours * 3600e3).toISOString();
  const every = hours <= 24 ? "10min" : hours <= 72 ? "30min" : "1h";
  const d = await api(`/stations/${encodeURIComponent(k.station)}/${encodeURIComponent(k.sensor)}/series?start=${start}&end=${end}&every=${every}`);
  $("#chart-title").textContent = `${k.station} · ${k.sensor} (${d.unit})`;
  const el = $("#chart");
  const empty = d.value.every((v) => v == null);
  $("#chart-empty").hidden = !empty;
  if (S.chart) { S.chart.destroy(); S.chart = null; }
  el.innerHTML = "";
  if (empty) return;
  S.chart = new uPlot({
    width: el.clientWidth || 420, height: 220, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    series: [{}, { label: k.sensor, stroke: "#1d3557", width: 1.5, spanGaps: false }],
    axes: [{}, { size: 55 }], legend: { show: true },
  }, [d.t_ms.map((x) => x / 1000), d.value], el);
}

// ----------------------------------------------------------------------------- maintenance windows
// A technician at a station: detection ignores its readings in the window (GET/POST /maintenance, audited).
function maintOf(station) {  // the station's windows in force or to come
  const now = Date.now();
  return (S.maint || []).filter((w) => w.station === station && (w.active || (w.start_ms > now && w.end_ms > w.start_ms)));
}

const maintText = (w) => (w.sensor ? w.sensor + ": " : "") +
  t(w.active ? "maint_until" : "maint_from", { t: fmtHM(w.active ? w.end_ms : w.start_ms) });

function maintBadges(station) {
  const operate = S.user && (S.user.role === "operator" || S.user.role === "admin");
  return maintOf(station).map((w) => `<span class="maint${w.active ? "" : " to-come"}" data-window="${esc(w.id)}">` +
    `<span class="tag" title="${esc(`${w.by}: ${w.reason}`)}">${esc(maintText(w))}</span>` +
    (operate ? `<button class="maint-end" title="${esc(t("maint_end_title"))}">${esc(t("maint_end"))}</button>` : "") + "</span>").join("");
}

function scheduleMaint() {  // re-read when a window starts or ends (nothing else may announce it)
  clearTimeout(S.maintTimer);
  const now = Date.now(), next = (S.maint || []).flatMap((w) => [w.start_ms, w.end_ms]).filter((x) => x > now);
  if (next.length) S.maintTimer = setTimeout(() => refreshStations().catch(() => {}), Math.min(Math.max(Math.min(...next) - now + 1000, 5000), 3600e3));
}

function fillMaintForm() {
  const sel = $("#maint-form select[name=station]");
  if (sel.options.length === S.stations.length) return;
  const cur = sel.value;
  sel.innerHTML = S.stations.map((s) => `<option value="${esc(s.station)}">${esc(s.station)}</option>`).join("");
  if (cur) sel.value = cur;
  fillMaintSensors();
}

function fillMaintSensors() {
  const f = $("#maint-form"), s = S.stations.find((x) => x.station === f.station.value);
  f.sensor.querySelectorAll("option:not([value=''])").forEach((o) => o.remove());
  for (const x of s ? s.sensors : []) f.sensor.insertAdjacentHTML("beforeend", `<option value="${esc(x.sensor)}">${esc(x.sensor)}</option>`);
}

async function onMaint(ev) {
  ev.preventDefault();
  const f = ev.target, err = $("#maint-error");
  err.textContent = "";
  const station = f.station.value, sensor = f.sensor.value || null, hours = Number(f.hours.value), reason = f.reason.value.trim();
  if (!(hours > 0 && hours <= 72)) { err.textContent = t("need_hours"); return; }
  if (reason.length < 3) { err.textContent = t("need_reason"); return; }
  const c = await confirmDialog(t("confirm_maint", { station, sensor: sensor || t("maint_all"), t: fmtHM(Date.now() + hours * 3600e3) }),
    t("confirm_maint_text"), false);
  if (!c.ok) return;
  try {
    await api("/maintenance", { method: "POST", body: { station, sensor, hours, reason } });
    f.reason.value = "";
    await Promise.all([refreshStations(), refreshAudit()]);
  } catch (e) { err.textContent = e.message; }
}

async function endMaint(id) {
  const w = (S.maint || []).find((x) => x.id === id);
  if (!w) return;
  const c = await confirmDialog(t("confirm_maint_end", { station: w.station + (w.sensor ? "/" + w.sensor : "") }), t("confirm_maint_end_text"), true);
  if (!c.ok) return;
  if (c.reason.trim().length < 3) { alert(t("need_reason")); return; }
  try { await api(`/maintenance/${encodeURIComponent(id)}/end`, { method: "POST", body: { reason: c.reason.trim() } }); } catch (e) { alert(e.message); }
  await Promise.all([refreshStations(), refreshAudit()]);
}

// ----------------------------------------------------------------------------------------- alerts
function fillIssueForm() {
  const box = $("#zone-boxes");
  box.querySelectorAll("label").forEach((x) => x.remove());
  for (const z of S.site.zones) {
    const l = document.createElement("label");
    l.innerHTML = `<input type="checkbox" name="zone" value="${esc(z.id)}"> ${esc(z.id)}`;
    l.title = z.name;
    box.appendChild(l);
  }
  api("/lakes").then((lakes) => {
    S.lakes = lakes;
    drawLakeHazard();
    const sel = $("#issue-form select[name=lake]");
    sel.querySelectorAll("option:not([value=''])").forEach((o) => o.remove());
    for (const lk of lakes) sel.insertAdjacentHTML("beforeend", `<option value="${esc(lk.id)}">${esc(lk.id)}</option>`);
  });
}

function confirmDialog(title, text, withReason) {
  return new Promise((resolve) => {
    const d = $("#confirm");
    $("#confirm-title").textContent = title; $("#confirm-text").textContent = text;
    $("#confirm-reason-box").hidden = !withReason;
    // a reason the API accepts (3 characters at least) or the dialog stays open saying so: an empty one used to be sent
    // as "-", which the API refuses, and the escalation or cancel the officer confirmed did not happen
    const inp = $("#confirm-reason");
    inp.value = "";
    inp.required = !!withReason;
    const check = () => inp.setCustomValidity(!withReason || inp.value.trim().length >= 3 ? "" : t("need_reason"));
    inp.oninput = check;
    check();
    d.returnValue = "";
    d.addEventListener("close", () => resolve(d.returnValue === "yes" ? { ok: true, reason: $("#confirm-reason").value } : { ok: false }), { once: true });
    d.showModal();
  });
}

async function onIssue(ev) {
  ev.preventDefault();
  const f = ev.target, err = $("#issue-error");
  err.textContent = "";
  const zones = [...f.querySelectorAll("input[name=zone]:checked")].map((x) => x.value);
  if (!zones.length) { err.textContent = t("need_zone"); return; }
  if (f.reason.value.trim().length < 3) { err.textContent = t("need_reason"); return; }
  const drill = f.drill.checked, vars = { level: t("lvl_" + f.level.value), hazard: t("hz_" + f.hazard.value), zones: zones.join(", ") };
  const c = await confirmDialog(t(drill ? "confirm_drill" : "confirm_issue", vars), t("confirm_issue_text"), false);
  if (!c.ok) return;
  try {
    const r = await api("/alerts", { method: "POST", body: { level: f.level.value, hazard: f.hazard.value, zones, lake: f.lake.value || null, reason: f.reason.value.trim(), drill } });
    S.selAlert = r.alert.id;
    f.reason.value = "";
    await refreshAlerts();
  } catch (e) { err.textContent = e.message; }
}

async function endAlert(a, allClear) {
  const c = await confirmDialog(t(allClear ? "confirm_clear" : "confirm_cancel", { id: a.id }), t("confirm_cancel_text"), true);
  if (!c.ok) return;
  try {
    await api(`/alerts/${encodeURIComponent(a.id)}/cancel`, { method: "POST", body: { reason: c.reason.trim(), all_clear: allClear } });
  } catch (e) { alert(e.message); }
  await refreshAlerts();
}

async function escalate(a, level) {
  const c = await confirmDialog(t("confirm_escalate", { id: a.id, level: t("lvl_" + level) }), t("confirm_issue_text"), true);
  if (!c.ok) return;
  try {
    await api(`/alerts/${encodeURIComponent(a.id)}/update`, { method: "POST", body: { level, reason: c.reason.trim() } });
  } catch (e) { alert(e.message); }
  await refreshAlerts();
}

async function refreshAlerts() {
  try { S.alerts = await api("/alerts"); } catch (e) { if (e.status === 503) { S.alerts = []; $("#timeline").innerHTML = `<li>${esc(e.message)}</li>`; return; } throw e; }
  const ol = $("#timeline");
  ol.innerHTML = S.alerts.length ? "" : `<li class="muted">${esc(t("no_alerts"))}</li>`;
  const operate = S.user && (S.user.role === "operator" || S.user.role === "admin");
  for (const a of S.alerts) {
    const li = document.createElement("li");
    const kind = a.msg_type === "Cancel" ? "cancel" : a.level;
    li.className = "lvl-" + kind + (a.id === S.selAlert ? " sel" : "");
    li.dataset.alert = a.id;
    li.innerHTML = `<span class="actions"></span><b>${esc(t("lvl_" + kind))}</b> · ${esc(t("hz_" + a.hazard))}` +
      (a.drill ? `<span class="tag drill">${esc(t("drill_tag"))}</span>` : "") + (a.active ? `<span class="tag">${esc(t("active"))}</span>` : `<span class="tag ended">${esc(t("ended"))}</span>`) +
      `<br><small>${fmtTime(a.sent_ms)} · ${esc((a.zones || []).join(", "))} · ${esc(t("by"))} ${esc(a.operator || "auto")}</small>` +
      (a.note ? `<br><small>${esc(a.note)}</small>` : "");
    if (a.active && operate) {
      const acts = li.querySelector(".actions");
      const next = ["advisory", "watch", "warning", "evacuate"][rank(a.level)];
      if (next) {
        const b = document.createElement("button");
        b.textContent = "↑ " + t("lvl_" + next); b.className = "escalate";
        b.addEventListener("click", (e) => { e.stopPropagation(); escalate(a, next); });
        acts.appendChild(b);
      }
      for (const [label, clear] of [["cancel", false], ["all_clear", true]]) {
        const b = document.createElement("button");
        b.textContent = t(label); b.className = "end-" + label;
        b.addEventListener("click", (e) => { e.stopPropagation(); endAlert(a, clear); });
        acts.appendChild(b);
      }
    }
    li.addEventListener("click", () => { S.selAlert = a.id; refreshAlerts(); });
    ol.appendChild(li);
  }
  if (!S.selAlert && S.alerts.length) S.selAlert = S.alerts[0].id;
  fillEvacSelect();
  await Promise.all([refreshDeliveries(), drawZones(), refreshEvacuation(), refreshAudit()]);
}

async function refreshDeliveries() {
  const box = $("#deliveries-box");
  if (!S.selAlert) { box.hidden = true; return; }
  const [a, list] = await Promise.all([api(`/alerts/${encodeURIComponent(S.selAlert)}`), api(`/deliveries?alert=${encodeURIComponent(S.selAlert)}`)]);
  box.hidden = false;
  $("#deliveries-alert").textContent = S.selAlert;
  const statuses = [...new Set(Object.values(a.deliveries).flatMap((x) => Object.keys(x)))].sort();
  $("#deliveries-summary thead").innerHTML = `<tr><th>${esc(t("channel"))}</th>${statuses.map((s) => `<th>${esc(s)}</th>`).join("")}</tr>`;
  $("#deliveries-summary tbody").innerHTML = Object.entries(a.deliveries)
    .map(([ch, c]) => `<tr><td>${esc(ch)}</td>${statuses.map((s) => `<td>${c[s] || 0}</td>`).join("")}</tr>`).join("");
  const recent = list.slice().sort((x, y) => (y.sent_ms || y.created_ms || 0) - (x.sent_ms || x.created_ms || 0)).slice(0, 60);
  $("#deliveries-list tbody").innerHTML = recent.map((d) =>
    `<tr class="delivery" data-status="${esc(d.status)}"><td>${esc(d.recipient)}</td><td>${esc(d.channel)}</td><td>${esc(d.status)}</td><td>${esc((d.time || "").slice(11, 19))}</td></tr>`).join("");
  document.body.dataset.deliveries = String(list.length);
}

async function refreshAudit() {
  if (!(S.user && (S.user.role === "operator" || S.user.role === "admin"))) return;
  const rows = await api("/audit?limit=30");
  $("#audit tbody").innerHTML = rows.map((e) =>
    `<tr><td>${esc(e.time.slice(5, 16).replace("T", " "))}</td><td>${esc(e.username)}</td><td>${esc(e.action)} ${esc(e.target)}</td><td>${esc(e.reason)}</td></tr>`).join("");
}

// ------------------------------------------------------------------------------------- evacuation
function fillEvacSelect() {
  const sel = $("#evac-alert"), cur = sel.value || S.selAlert;
  sel.innerHTML = S.alerts.filter((a) => a.msg_type !== "Cancel")
    .map((a) => `<option value="${esc(a.id)}">${esc(t("lvl_" + a.level))}${a.drill ? " · " + esc(t("drill_tag")) : ""} · ${esc(a.id)}</option>`).join("");
  if (cur) sel.value = cur;
}

const COUNT_KEYS = ["households_targeted", "people_targeted", "warned", "reached", "acknowledged", "safe", "need_help", "evacuated", "people_evacuated"];

async function refreshEvacuation() {
  const id = $("#evac-alert").value;
  const box = $("#evac-counts"), tb = $("#needs-help tbody");
  if (!id) { box.textContent = t("nothing_active"); tb.innerHTML = ""; return; }
  let ev;
  try { ev = await api(`/evacuation/${encodeURIComponent(id)}`); } catch (e) { box.textContent = e.message; tb.innerHTML = ""; return; }
  const c = ev.counts || {};
  const keys = COUNT_KEYS.filter((k) => typeof c[k] === "number").concat(Object.keys(c).filter((k) => !COUNT_KEYS.includes(k) && typeof c[k] === "number"));
  box.innerHTML = keys.map((k) => `<div class="${/need_help/.test(k) && c[k] ? "bad" : ""}"><b>${esc(c[k])}</b>${esc(t("c_" + k))}</div>`).join("");
  const operate = S.user && (S.user.role === "operator" || S.user.role === "admin");
  tb.innerHTML = (ev.needs_help || []).map((h) =>
    `<tr class="need" data-household="${esc(h.household)}"><td>${esc(h.household || h.id)}</td><td>${esc(h.zone)}</td><td>${esc(h.members)}</td><td>${esc(h.vulnerable)}</td>` +
    `<td>${esc(h.answer ? t("c_" + h.answer) : (h.reached ? t("c_reached") : "-"))}</td><td>${esc(h.phone || "")}</td>` +
    `<td>${operate ? `<button class="mark-safe" title="${esc(t("mark_safe"))}">✓</button><button class="mark-shelter" title="${esc(t("mark_shelter"))}">⌂</button>` : ""}</td></tr>`).join("");
  tb.querySelectorAll("tr.need").forEach((tr) => {
    const h = (ev.needs_help || []).find((x) => x.household === tr.dataset.household);
    const safe = tr.querySelector(".mark-safe"), shel = tr.querySelector(".mark-shelter");
    if (safe) safe.addEventListener("click", () => markHousehold(id, h, "safe"));
    if (shel) shel.addEventListener("click", () => markHousehold(id, h, "shelter"));
  });
}

// An answer taken by phone ("safe") or an arrival at the zone's shelter, recorded by the operator (audited).
async function markHousehold(alertId, h, what) {
  const shelter = (S.shelters || []).find((s) => (s.properties.zones || []).includes(h.zone));
  const title = what === "safe" ? t("confirm_safe", { hh: h.household }) : t("confirm_shelter", { hh: h.household, shelter: shelter ? shelter.properties.name : "-" });
  const c = await confirmDialog(title, "", false);
  if (!c.ok) return;
  try {
    if (what === "safe") await api("/acknowledgements", { method: "POST", body: { household: h.household, answer: "safe", alert: alertId } });
    else await api("/checkins", { method: "POST", body: { household: h.household, shelter: shelter.properties.id, alert: alertId } });
  } catch (e) { alert(e.message); }
  await Promise.all([refreshEvacuation(), refreshAudit()]);
}

// ------------------------------------------------------------------------------------------- live
function connectLive() {
  if (S.es) S.es.close();
  const es = new EventSource(API + "/live");
  S.es = es;
  es.addEventListener("open", () => $("#live").className = "live on");
  es.addEventListener("error", () => $("#live").className = "live off");
  es.addEventListener("hello", () => $("#live").className = "live on");
  es.addEventListener("stations", () => refreshStations());
  es.addEventListener("alerts", () => refreshAlerts());
  es.addEventListener("deliveries", () => Promise.all([refreshDeliveries(), refreshEvacuation()]));
}

// ------------------------------------------------------------------------------------------- boot
function setLang(l) {
  LANG = l; localStorage.setItem("glofwatch.lang", l); $("#lang").value = l;
  applyI18n();
  if (S.ready) { refreshStations(); refreshAlerts(); }
}

function tick() { $("#clock").textContent = new Date().toISOString().slice(11, 16) + " UTC"; }

document.addEventListener("DOMContentLoaded", async () => {
  $("#lang").value = LANG; applyI18n();
  $("#lang").addEventListener("change", (e) => setLang(e.target.value));
  $("#login-form").addEventListener("submit", onLogin);
  $("#issue-form").addEventListener("submit", onIssue);
  $("#maint-form").addEventListener("submit", onMaint);
  $("#maint-form select[name=station]").addEventListener("change", fillMaintSensors);
  $("#chart-window").addEventListener("change", drawChart);
  $("#evac-alert").addEventListener("change", refreshEvacuation);
  $("#logout").addEventListener("click", async () => { try { await api("/auth/logout", { method: "POST" }); } finally { S.ready = false; showLogin(); } });
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll("#tabs button").forEach((x) => x.classList.toggle("on", x === b));
    document.querySelectorAll(".tab").forEach((s) => { s.hidden = s.id !== "tab-" + b.dataset.tab; });
    if (b.dataset.tab === "stations" && S.chartKey) drawChart();
  }));
  tick(); setInterval(tick, 15000);
  try { await start(await api("/auth/me")); } catch (e) { showLogin(); }
});
