// Baton console: one page per user group, every figure from a documented API endpoint.
// Each figure carries data-figure="<page>.<name>" so tests can compare it with the API's JSON.
import { t, translate, lang, setLang } from "./i18n.js";

const page = document.getElementById("page");
const login = document.getElementById("login");

// ---- API ------------------------------------------------------------------------------------

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const headers = { "X-Requested-With": "XMLHttpRequest", ...(options.headers || {}) };
  const auth = sessionStorage.getItem("baton.auth");
  if (auth) headers.Authorization = "Basic " + auth;
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) throw new Unauthorized();
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const error = new Error((body && body.detail) || response.statusText);
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
}

const post = (path, body) => api(path, { method: "POST", headers: { "Content-Type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body) });

// ---- helpers --------------------------------------------------------------------------------

const esc = value => String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const num = (value, figure) => `<td class="num"${figure ? ` data-figure="${esc(figure)}"` : ""}>${esc(value ?? 0)}</td>`;
const pct = value => value == null ? "–" : (value * 100).toFixed(1) + "%";
const when = value => value ? new Date(value).toLocaleString(lang() === "zh" ? "zh-CN" : "en-GB") : "";
const query = params => Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")
  .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");

/**
 * What a failed request says, for a box next to the action that made it: the problem's title and
 * detail (RFC 9457), and each error it lists with its file and line, field or element.
 */
function problem(action, e) {
  const body = e.body && typeof e.body === "object" ? e.body : {};
  const where = x => [x.file || x.resource, x.line].filter(v => v != null && v !== "").join(":") || x.field || x.element || "";
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const detail = body.detail || body.title || (e.status ? `${e.status} ${e.message}` : e.message);
  return `<div class="problem error" role="alert" data-problem="${esc(action)}">
    <strong>${esc(t("problem." + action))}</strong>${body.title && body.detail ? ` (${esc(body.title)})` : ""}:
    <span data-problem-detail>${esc(detail)}</span>${body.field ? ` <code data-problem-field>${esc(body.field)}</code>` : ""}
    ${errors.length ? `<ul>${errors.map(x => `<li>${esc(where(x))} ${esc(x.message || x.detail || "")}</li>`).join("")}</ul>` : ""}</div>`;
}

/** Runs an action's request; when it fails, says why in the box beside the action. Returns the answer, or undefined. */
async function attempt(box, action, request) {
  box.innerHTML = "";
  try {
    return await request();
  } catch (e) {
    if (e instanceof Unauthorized) return show();
    box.innerHTML = problem(action, e);
    box.hidden = false;
    return undefined;
  }
}

function chart(element, option) {
  const instance = echarts.init(element);
  instance.setOption({ animation: false, ...option }); // figures at once, not after a fly-in
  return instance;
}

async function campaignFilter(state) {
  const campaigns = await api("/api/campaigns");
  return `<div class="filters">
    <label>${t("filter.campaign")}<select name="campaign"><option value="">${t("filter.all")}</option>
      ${campaigns.map(c => `<option value="${esc(c.id)}" ${c.id === state.campaign ? "selected" : ""}>${esc(c.name || c.id)}</option>`).join("")}
    </select></label>
    <label>${t("filter.from")}<input type="date" name="from" value="${esc(state.from || "")}"></label>
    <label>${t("filter.to")}<input type="date" name="to" value="${esc(state.to || "")}"></label>
    <button class="secondary" type="button" id="apply">${t("filter.apply")}</button></div>`;
}

function readFilter() {
  const value = name => page.querySelector(`[name=${name}]`)?.value || "";
  return { campaign: value("campaign"), from: value("from"), to: value("to") };
}

function period(state) {
  return {
    campaign: state.campaign,
    from: state.from ? new Date(state.from + "T00:00:00Z").toISOString() : "",
    to: state.to ? new Date(new Date(state.to + "T00:00:00Z").getTime() + 86400000).toISOString() : ""
  };
}

function onApply(render) {
  page.querySelector("#apply")?.addEventListener("click", () => {
    const state = readFilter();
    location.hash = location.hash.split("?")[0] + "?" + query(state);
    render(state);
  });
}

// ---- pages ----------------------------------------------------------------------------------

const STEPS = ["share", "click", "visit", "form", "mql", "sql", "accepted", "converted"];

async function funnelPage(state) {
  const [report, filter] = await Promise.all([api("/api/funnel?" + query(period(state))), campaignFilter(state)]);
  page.innerHTML = `<h1>${t("funnel.title")}</h1>${filter}
    <section class="card"><div class="chart" id="funnel-chart"></div></section>
    <section class="card"><table id="funnel-table"><thead><tr><th>${t("funnel.step")}</th><th class="num">${t("funnel.count")}</th>
      <th class="num">${t("funnel.rate")}</th><th class="num">${t("funnel.entered")}</th><th class="num">${t("funnel.time")}</th></tr></thead><tbody>
      ${report.steps.map(s => `<tr class="clickable" data-step="${s.step}"><td>${t("step." + s.step)}</td>${num(s.count, "funnel." + s.step)}
        <td class="num" data-figure="funnel.${s.step}.rate">${pct(s.fromPrevious)}</td>${num(s.enteredHere, "funnel." + s.step + ".entered")}
        <td class="num" data-figure="funnel.${s.step}.hours">${s.medianHours == null ? "–" : s.medianHours.toFixed(1) + " h"}</td></tr>`).join("")}
    </tbody></table><p class="hint">${t("funnel.cohort")}</p><p class="hint">${t("funnel.drill")}</p></section>
    <div id="drill-problem" class="problem-area"></div>
    <section class="card" id="drill" hidden><h2>${t("funnel.leadsAt")}: <span id="drill-step"></span></h2><ul id="drill-leads"></ul></section>`;
  chart(page.querySelector("#funnel-chart"), {
    tooltip: { trigger: "item" },
    series: [{ type: "funnel", sort: "none", minSize: "8%", label: { formatter: "{b}: {c}" },
      data: report.steps.map(s => ({ name: t("step." + s.step), value: s.count })) }]
  });
  page.querySelectorAll("tr[data-step]").forEach(row => row.addEventListener("click", async () => {
    const step = row.dataset.step;
    if (step === "share" || step === "click") return;
    const leads = await attempt(page.querySelector("#drill-problem"), "load", () => api("/api/funnel/leads?" + query({ step, ...period(state) })));
    if (!leads) return;
    page.querySelector("#drill").hidden = false;
    page.querySelector("#drill-step").textContent = t("step." + step);
    page.querySelector("#drill-leads").innerHTML = leads.map(id => `<li><a href="#/leads/${encodeURIComponent(id)}">${esc(id)}</a></li>`).join("");
  }));
  onApply(funnelPage);
}

async function journeysPage(state) {
  const journeys = await api("/api/journeys");
  const selected = state.key || journeys[0]?.key;
  page.innerHTML = `<h1>${t("journeys.title")}</h1>
    <section class="card"><table><thead><tr><th>${t("journeys.journey")}</th><th class="num">${t("journeys.version")}</th>
      <th class="num">${t("journeys.active")}</th><th class="num">${t("journeys.incidents")}</th><th class="num">${t("journeys.exits")}</th></tr></thead>
      <tbody>${journeys.map(j => `<tr class="clickable" data-key="${esc(j.key)}"><td>${esc(j.name || j.key)}
        ${j.suspended ? `<em>(${t("journeys.suspended")})</em>` : ""}</td>${num(j.version)}${num(j.activeInstances, "journeys." + j.key + ".active")}
        ${num(Object.values(j.incidents).reduce((a, b) => a + b, 0), "journeys." + j.key + ".incidents")}
        ${num(Object.values(j.exits || {}).reduce((a, b) => a + b, 0), "journeys." + j.key + ".exits")}</tr>`).join("")}</tbody></table></section>
    <section class="card"><h2 id="journey-name"></h2><p class="hint">${t("journeys.legend")}</p><div class="diagram" id="diagram"></div></section>`;
  page.querySelectorAll("tr[data-key]").forEach(row => row.addEventListener("click", () => {
    location.hash = "#/journeys?key=" + encodeURIComponent(row.dataset.key);
  }));
  const journey = journeys.find(j => j.key === selected);
  if (!journey) return;
  page.querySelector("#journey-name").textContent = journey.name || journey.key;
  const xml = await api("/api/journeys/" + encodeURIComponent(journey.key) + "/bpmn");
  const viewer = new BpmnJS({ container: page.querySelector("#diagram") });
  await viewer.importXML(xml);
  viewer.get("canvas").zoom("fit-viewport");
  const overlays = viewer.get("overlays");
  const registry = viewer.get("elementRegistry");
  const badge = (id, count, kind, figure) => {
    if (!registry.get(id) || !count) return;
    overlays.add(id, { position: { bottom: 8, right: 8 },
      html: `<span class="badge ${kind}" data-figure="${esc(figure)}" title="${esc(t("journeys." + (kind || "waiting")))}">${count}</span>` });
  };
  Object.entries(journey.waitingAt).forEach(([id, count]) => badge(id, count, "", `journey.waiting.${id}`));
  Object.entries(journey.incidents).forEach(([id, count]) => {
    badge(id, count, "incident", `journey.incidents.${id}`);
    viewer.get("canvas").addMarker(id, "has-incident");
  });
  Object.entries(journey.exits || {}).forEach(([id, count]) => badge(id, count, "exit", `journey.exits.${id}`));
}

function editor(text, errorLines) {
  const lines = text.split("\n").length;
  const gutter = Array.from({ length: lines }, (_, i) =>
    errorLines.has(i + 1) ? `<span class="bad" data-error-line="${i + 1}">${i + 1}</span>` : String(i + 1)).join("\n");
  return `<div class="editor"><div class="gutter" id="gutter">${gutter}</div><textarea id="source" spellcheck="false">${esc(text)}</textarea></div>`;
}

// The rules draft being edited: every file's text, kept while the page re-renders or the user visits
// another page, until it is uploaded or discarded. Switching files never re-fetches the version.
let ruleDraft = null; // { version, base: {file: text}, files: {file: text} }

const editedFiles = draft => draft ? Object.keys(draft.files).filter(f => draft.files[f] !== draft.base[f]).sort() : [];

window.addEventListener("beforeunload", event => {
  if (editedFiles(ruleDraft).length) {
    event.preventDefault();
    event.returnValue = ""; // the browser asks before the edits are lost
  }
});

async function rulesPage(state) {
  const listing = await api("/api/rulesets");
  const active = listing.active;
  const editing = editedFiles(ruleDraft).length > 0;
  let draftOf = state.version !== undefined ? Number(state.version) : editing ? ruleDraft.version : active;
  if (editing && draftOf !== ruleDraft.version && !confirm(t("rules.confirmDiscard", { files: editedFiles(ruleDraft).join(", ") }))) {
    draftOf = ruleDraft.version;
  }
  if (!ruleDraft || ruleDraft.version !== draftOf) {
    const version = await api("/api/rulesets/" + draftOf);
    ruleDraft = { version: draftOf, base: { ...version.files }, files: { ...version.files },
      decayHalfLife: version.decayHalfLife, tests: version.tests };
  }
  let draft = ruleDraft;
  const files = Object.keys(draft.files).sort();
  let file = state.file && files.includes(state.file) ? state.file : files.find(f => f.endsWith(".drl")) || files[0];
  let compileErrors = [];
  page.innerHTML = `<h1>${t("rules.title")}</h1>
    <section class="card"><p>${t("rules.active")}: <strong data-figure="rules.active">${active}</strong></p>
      <h2>${t("rules.versions")} / ${t("rules.audit")}</h2><table><thead><tr><th class="num">${t("rules.version")}</th><th>${t("rules.author")}</th>
      <th>${t("rules.created")}</th><th>${t("rules.note")}</th><th></th></tr></thead><tbody>
      ${listing.versions.map(v => `<tr><td class="num">${v.version}${v.version === active ? " ✓" : ""}</td><td>${esc(v.author)}</td><td>${when(v.createdAt)}</td>
        <td>${esc(v.note || "")}</td><td>${v.version !== active ? `<button class="secondary" data-activate="${v.version}">${v.version < active ? t("rules.rollback") : t("rules.activate")} ${v.version}</button>` : ""}</td></tr>`).join("")}
      </tbody></table><div id="versions-problem" class="problem-area"></div></section>
    <section class="card"><h2>${t("rules.editor")} (${t("rules.version")} <span id="draft-of">${draftOf}</span>)</h2>
      <div class="filters"><label>${t("rules.file")}<select id="file"></select></label>
      <button class="primary" id="save">${t("rules.save")}</button>
      <button class="secondary" id="discard">${t("rules.discard")}</button></div>
      <p class="hint" id="unsaved"></p>
      <div id="editor"></div><div id="result"></div></section>
    <section class="card" id="simulation" hidden></section>`;
  const select = page.querySelector("#file");
  const result = page.querySelector("#result");

  function keep() {
    const source = page.querySelector("#source");
    if (source) draft.files[file] = source.value;
  }
  function showEdits() {
    const edited = editedFiles(draft);
    select.innerHTML = files.map(f => `<option value="${esc(f)}" ${f === file ? "selected" : ""}>${esc(f)}${edited.includes(f) ? " •" : ""}</option>`).join("");
    const unsaved = page.querySelector("#unsaved");
    unsaved.textContent = edited.length ? t("rules.unsaved", { files: edited.join(", ") }) : "";
    unsaved.dataset.files = edited.join(",");
    page.querySelector("#discard").hidden = !edited.length;
  }
  function showFile() {
    const here = new Set(compileErrors.filter(x => x.file === file).map(x => x.line));
    page.querySelector("#editor").innerHTML = editor(draft.files[file], here);
    page.querySelector("#source").addEventListener("input", () => {
      const before = editedFiles(draft).includes(file);
      keep();
      if (before !== editedFiles(draft).includes(file)) showEdits();
    });
    showEdits();
  }
  showFile();

  select.addEventListener("change", e => {
    keep();
    file = e.target.value;
    showFile();
  });
  page.querySelector("#discard").addEventListener("click", () => {
    if (!confirm(t("rules.confirmDiscard", { files: editedFiles(draft).join(", ") }))) return;
    ruleDraft = null;
    rulesPage({ file });
  });
  page.querySelector("#save").addEventListener("click", async () => {
    keep();
    result.innerHTML = "";
    try {
      const saved = await post("/api/rulesets", { files: draft.files, note: "edited in the console", decayHalfLife: draft.decayHalfLife,
        tests: draft.tests });
      compileErrors = [];
      // Uploaded: the edits are a stored version now, and further edits a draft of it.
      ruleDraft = draft = { ...draft, version: saved.version, base: { ...draft.files }, files: { ...draft.files } };
      page.querySelector("#draft-of").textContent = saved.version;
      result.innerHTML = `<p class="ok" data-figure="rules.saved">${t("rules.saved")} ${saved.version}</p>
        <button class="secondary" id="simulate">${t("rules.simulate")}</button>
        <button class="danger" id="activate">${t("rules.activate")} ${saved.version}</button><div id="result-problem" class="problem-area"></div>`;
      showFile();
      const near = result.querySelector("#result-problem");
      result.querySelector("#simulate").addEventListener("click", () => simulate(saved.version, near));
      result.querySelector("#activate").addEventListener("click", () => activate(saved.version, near));
    } catch (e) {
      if (e instanceof Unauthorized) return show();
      compileErrors = ((e.body && e.body.errors) || []).filter(x => x.file);
      if (!compileErrors.length) {
        result.innerHTML = problem("save", e);
        return;
      }
      showFile();
      result.innerHTML = `<p class="error" id="compile-errors" role="alert">${t("rules.errors")}: ${compileErrors.map(x =>
        `<span data-error="${esc(x.file)}:${x.line}">${esc(x.file)}:${x.line} ${esc(x.message)}</span>`).join("<br>")}</p>`;
    }
  });
  page.querySelectorAll("[data-activate]").forEach(b => b.addEventListener("click",
    () => activate(Number(b.dataset.activate), page.querySelector("#versions-problem"))));

  async function activate(v, near) {
    if (!confirm(t("rules.confirmActivate", { v }))) return;
    if (!await attempt(near, "activate", () => post(`/api/rulesets/${v}/activate`))) return;
    await rulesPage({ file });
    page.querySelector("section.card").insertAdjacentHTML("afterbegin", `<p class="ok" id="activated">${t("rules.activated")} ${v}</p>`);
  }

  async function simulate(v, near) {
    const report = await attempt(near, "simulate", () => post(`/api/rulesets/${v}/simulate?days=30&top=10`));
    if (!report) return;
    const box = page.querySelector("#simulation");
    box.hidden = false;
    const buckets = Object.keys(report.distribution.before || {});
    box.innerHTML = `<h2>${t("rules.simulation")}</h2>
      <p>${t("rules.events")}: <strong data-figure="simulation.events">${report.events}</strong> ·
         ${t("rules.leads")}: <strong data-figure="simulation.leads">${report.leads}</strong> ·
         ${t("rules.changing")}: <strong data-figure="simulation.leadsChangingTier">${report.leadsChangingTier}</strong></p>
      <div class="grid2"><div class="chart" id="moves"></div><div class="chart" id="distribution"></div></div>
      <h2>${t("rules.topChanges")}</h2><table><tbody>${report.topChanges.map(c => `<tr><td><a href="#/leads/${encodeURIComponent(c.leadId)}">${esc(c.leadId)}</a></td>
        ${num(c.scoreBefore)}<td>${esc(c.tierBefore)}</td>${num(c.scoreAfter)}<td>${esc(c.tierAfter)}</td></tr>`).join("")}</tbody></table>`;
    chart(box.querySelector("#moves"), { title: { text: t("rules.tierMoves"), textStyle: { fontSize: 13 } }, tooltip: {},
      xAxis: { type: "category", data: Object.keys(report.tierMoves) }, yAxis: { type: "value" },
      series: [{ type: "bar", data: Object.values(report.tierMoves) }] });
    chart(box.querySelector("#distribution"), { title: { text: t("rules.distribution"), textStyle: { fontSize: 13 } }, tooltip: {},
      legend: { data: [t("rules.before"), t("rules.after")], top: 24 }, xAxis: { type: "category", data: buckets }, yAxis: { type: "value" },
      series: [{ name: t("rules.before"), type: "bar", data: buckets.map(b => report.distribution.before[b] || 0) },
               { name: t("rules.after"), type: "bar", data: buckets.map(b => (report.distribution.after || {})[b] || 0) }] });
  }
}

async function leadsPage(state) {
  const found = await api("/api/leads?" + query({ query: state.q || "", size: 50 }));
  page.innerHTML = `<h1>${t("leads.title")}</h1>
    <div class="filters"><label>${t("leads.search")}<input id="q" value="${esc(state.q || "")}" size="40"></label>
      <button class="secondary" id="go">${t("leads.go")}</button></div>
    <section class="card"><p>${t("leads.total")}: <strong data-figure="leads.total">${found.total}</strong></p>
    <table><thead><tr><th>${t("leads.lead")}</th><th class="num">${t("leads.score")}</th><th>${t("leads.tier")}</th><th>${t("leads.tags")}</th>
      <th>${t("leads.lastSeen")}</th></tr></thead><tbody>
      ${found.items.map(l => `<tr class="clickable" data-lead="${esc(l.id)}"><td>${esc((l.emails || [])[0] || l.id)}</td>${num(l.score)}<td>${esc(l.tier)}</td>
        <td>${esc((l.tags || []).join(", "))}</td><td>${when(l.lastSeen)}</td></tr>`).join("")}</tbody></table></section>`;
  const go = () => { location.hash = "#/leads?" + query({ q: page.querySelector("#q").value }); };
  page.querySelector("#go").addEventListener("click", go);
  page.querySelector("#q").addEventListener("keydown", e => { if (e.key === "Enter") go(); });
  page.querySelectorAll("tr[data-lead]").forEach(r => r.addEventListener("click", () => {
    location.hash = "#/leads/" + encodeURIComponent(r.dataset.lead);
  }));
}

async function leadPage(id) {
  // Any of the person's ids finds the lead; the rest is asked by the lead's own id.
  const lead = await api("/api/leads/" + encodeURIComponent(id));
  const key = encodeURIComponent(lead.id);
  const [events, journeys, sales, kept] = await Promise.all([api(`/api/leads/${key}/events?size=100`),
    api("/api/journeys/leads/" + key), api("/api/sales/leads/" + key), api(`/api/journeys/leads/${key}/kept-signals`)]);
  const ids = [...(lead.emails || []), ...(lead.phones || []), ...(lead.userIds || []), ...(lead.anonymousIds || [])];
  const tierHistory = events.items.filter(e => e.event === "Tier Changed");
  page.innerHTML = `<h1>${esc((lead.emails || [])[0] || lead.id)} <small data-figure="lead.id">${esc(lead.id)}</small></h1>
    <div class="grid2"><section class="card"><p>${t("leads.score")}: <strong data-figure="lead.score">${lead.score}</strong> ·
      ${t("leads.tier")}: <strong data-figure="lead.tier">${esc(lead.tier)}</strong></p>
      <p>${t("leads.tags")}: <span data-figure="lead.tags">${esc((lead.tags || []).join(", "))}</span></p>
      <h2>${t("lead.why")}</h2><p>${esc(lead.whyThisTier)}</p>
      <h2>${t("lead.owner")}</h2><p data-figure="lead.owner">${esc(sales.owner || t("lead.none"))}</p>
      <h2>${t("lead.chain")}</h2><p data-figure="lead.broughtBy">${esc(lead.attribution?.broughtBy || t("lead.none"))}</p>
      <h2>${t("lead.journeys")}</h2><p data-figure="lead.journeys">${esc(Object.keys(journeys).join(", ") || t("lead.none"))}</p>
      <h2>${t("lead.kept")}</h2><p data-figure="lead.kept">${esc(kept.map(k => k.message).join(", ") || t("lead.none"))}</p>
      <h2>${t("lead.ids")}</h2><p data-figure="lead.ids">${esc(ids.join(", ") || t("lead.none"))}</p></section>
    <section class="card"><h2>${t("lead.parts")}</h2><table><thead><tr><th>${t("lead.reason")}</th><th class="num">${t("lead.points")}</th>
      <th class="num">${t("lead.now")}</th></tr></thead><tbody>${(lead.scoreParts || []).map(p => `<tr><td>${esc(p.reason)} (${esc(p.rule)})</td>
      ${num(p.points)}${num(Math.round(p.value))}</tr>`).join("")}</tbody></table>
      <h2>${t("lead.tierHistory")}</h2><ul class="timeline">${tierHistory.map(e => `<li>${when(e.timestamp)}: ${esc(e.properties?.from || "–")} → ${esc(e.properties?.to)}</li>`).join("")}</ul></section></div>
    <section class="card"><h2>${t("lead.timeline")}</h2><ul class="timeline" data-figure="lead.events">
      ${events.items.map(e => `<li>${when(e.timestamp)} <strong>${esc(e.event || e.type)}</strong> ${esc(e.properties?.category || e.properties?.template || "")}</li>`).join("")}</ul></section>`;
}

async function advocacyPage(state) {
  const scope = query(period(state));
  const [board, teams, excluded, filter, campaign] = await Promise.all([api("/api/advocacy/leaderboard?" + scope),
    api("/api/advocacy/teams?" + scope), api("/api/advocacy/excluded?" + scope), campaignFilter(state),
    state.campaign ? api("/api/advocacy/campaigns/" + encodeURIComponent(state.campaign) + "?" + scope) : null]);
  const totals = board.reduce((sum, e) => ({ light: sum.light + e.engagement.light, medium: sum.medium + e.engagement.medium,
    heavy: sum.heavy + e.engagement.heavy }), { light: 0, medium: 0, heavy: 0 });
  // [label key, field of /api/advocacy/campaigns/{id}]
  const campaignFigures = [["links", "shares"], ["sharers", "sharers"], ["clicks", "clicks"], ["reach", "reach"], ["depth", "maxDepth"],
    ["forms", "forms"], ["leads", "leads"], ["hot", "hotLeads"], ["conversions", "conversions"], ["points", "points"]];
  const totalsCard = !campaign ? "" : `<section class="card"><h2>${t("advocacy.campaign")}: ${esc(campaign.name)}</h2>
    <table><thead><tr>${campaignFigures.map(([label]) => `<th class="num">${t("advocacy." + label)}</th>`).join("")}</tr></thead>
    <tbody><tr>${campaignFigures.map(([, field]) => num(campaign[field], "advocacy.campaign." + field)).join("")}</tr></tbody></table></section>`;
  page.innerHTML = `<h1>${t("advocacy.title")}</h1>${filter}${totalsCard}
    <section class="card"><h2>${t("advocacy.leaderboard")}</h2><table><thead><tr><th class="num">${t("advocacy.rank")}</th><th>${t("advocacy.employee")}</th>
      <th>${t("advocacy.team")}</th><th class="num">${t("advocacy.shares")}</th><th class="num">${t("advocacy.clicks")}</th><th class="num">${t("advocacy.reach")}</th>
      <th class="num">${t("advocacy.depth")}</th><th class="num">${t("advocacy.forms")}</th><th class="num">${t("advocacy.leads")}</th>
      <th class="num">${t("advocacy.points")}</th></tr></thead><tbody>
      ${board.map(e => `<tr class="clickable" data-employee="${esc(e.employee)}">${num(e.rank)}<td>${esc(e.name)}</td><td>${esc(e.team)}</td>
        ${num(e.shares, `advocacy.${e.employee}.shares`)}${num(e.clicks, `advocacy.${e.employee}.clicks`)}${num(e.reach, `advocacy.${e.employee}.reach`)}
        ${num(e.maxDepth)}${num(e.forms)}${num(e.leads)}${num(e.points, `advocacy.${e.employee}.points`)}</tr>`).join("")}</tbody></table></section>
    <div class="grid2"><section class="card"><h2>${t("advocacy.teams")}</h2><table><thead><tr><th class="num">${t("advocacy.rank")}</th>
      <th>${t("advocacy.team")}</th><th class="num">${t("advocacy.members")}</th><th class="num">${t("advocacy.reach")}</th><th class="num">${t("advocacy.leads")}</th>
      <th class="num">${t("advocacy.hot")}</th><th class="num">${t("advocacy.conversions")}</th><th class="num">${t("advocacy.points")}</th></tr></thead><tbody>
      ${teams.map(x => `<tr>${num(x.rank)}<td>${esc(x.name || x.team)}</td>${num(x.members)}${num(x.reach, `advocacy.team.${x.team}.reach`)}
        ${num(x.leads)}${num(x.hotLeads)}${num(x.conversions, `advocacy.team.${x.team}.conversions`)}${num(x.points, `advocacy.team.${x.team}.points`)}</tr>`).join("")}</tbody></table></section>
    <section class="card"><h2>${t("advocacy.engagement")}</h2><div class="chart" id="engagement"></div>
      <h2>${t("advocacy.excluded")}</h2><table><tbody>${Object.entries(excluded).map(([reason, count]) =>
        `<tr><td>${esc(reason)}</td>${num(count, "advocacy.excluded." + reason)}</tr>`).join("")}</tbody></table></section></div>
    <section class="card" id="employee" hidden></section>`;
  chart(page.querySelector("#engagement"), { tooltip: {}, series: [{ type: "pie", radius: ["35%", "65%"], data: [
    { name: t("advocacy.light"), value: totals.light }, { name: t("advocacy.medium"), value: totals.medium },
    { name: t("advocacy.heavy"), value: totals.heavy }] }] });
  page.querySelectorAll("tr[data-employee]").forEach(r => r.addEventListener("click", async () => {
    const box = page.querySelector("#employee");
    const view = await attempt(box, "load", () => api("/api/advocacy/employees/" + encodeURIComponent(r.dataset.employee) + "?" + scope));
    if (!view) return;
    box.hidden = false;
    box.innerHTML = `<h2>${esc(view.figures.name)}</h2><p>${t("advocacy.reach")}: <strong data-figure="employee.reach">${view.figures.reach}</strong> ·
      ${t("advocacy.leads")}: <strong>${view.figures.leads}</strong> · ${t("advocacy.points")}: <strong data-figure="employee.points">${view.figures.points}</strong></p>
      <h2>${t("advocacy.links")}</h2><ul>${view.links.map(l => `<li>${esc(l.url || l.code)}</li>`).join("")}</ul>`;
  }));
  onApply(advocacyPage);
}

async function salesPage() {
  const [reps, queue] = await Promise.all([api("/api/sales/reps"), api("/api/sales/queue")]);
  page.innerHTML = `<h1>${t("sales.title")}</h1>
    <section class="card"><h2>${t("sales.reps")}</h2><table><thead><tr><th>${t("sales.rep")}</th><th>${t("sales.team")}</th>
      <th class="num">${t("sales.open")}</th><th class="num">${t("sales.capacity")}</th><th class="num">${t("sales.hits")}</th>
      <th class="num">${t("sales.misses")}</th><th class="num">${t("sales.rate")}</th><th class="num">${t("sales.overdue")}</th></tr></thead><tbody>
      ${reps.map(s => `<tr><td>${esc(s.rep.name)}${s.rep.outOfOffice ? ` <em>(${t("sales.away")})</em>` : ""}</td><td>${esc(s.rep.team)}</td>
        ${num(s.rep.openLeads, `sales.${s.rep.id}.open`)}${num(s.rep.capacity)}${num(s.rep.slaHits, `sales.${s.rep.id}.hits`)}
        ${num(s.rep.slaMisses, `sales.${s.rep.id}.misses`)}<td class="num">${pct(s.slaHitRate)}</td>${num(s.overdueTasks)}</tr>`).join("")}</tbody></table>
      <div class="chart" id="load"></div></section>
    <section class="card"><h2>${t("sales.queue")}</h2><p><strong data-figure="sales.queue">${queue.length}</strong></p><table><tbody>
      ${queue.map(q => `<tr><td><a href="#/leads/${encodeURIComponent(q.leadId)}">${esc(q.leadId)}</a></td><td>${esc(q.team)}</td>
        <td>${esc(q.reason)}</td><td>${when(q.queuedAt)}</td></tr>`).join("")}</tbody></table></section>`;
  chart(page.querySelector("#load"), { tooltip: {}, legend: { data: [t("sales.open"), t("sales.capacity")] },
    xAxis: { type: "category", data: reps.map(s => s.rep.name) }, yAxis: { type: "value" },
    series: [{ name: t("sales.open"), type: "bar", data: reps.map(s => s.rep.openLeads) },
             { name: t("sales.capacity"), type: "bar", data: reps.map(s => s.rep.capacity) }] });
}

async function mePage() {
  const [mine, campaigns] = await Promise.all([api("/api/me/advocacy"), api("/api/me/campaigns")]);
  const f = mine.figures;
  page.innerHTML = `<h1>${t("me.title")}: ${esc(f.name)}</h1>
    <section class="card"><p>${t("advocacy.shares")}: <strong data-figure="me.shares">${f.shares}</strong> ·
      ${t("advocacy.reach")}: <strong data-figure="me.reach">${f.reach}</strong> · ${t("advocacy.leads")}: <strong data-figure="me.leads">${f.leads}</strong> ·
      ${t("advocacy.points")}: <strong data-figure="me.points">${f.points}</strong> · ${t("advocacy.rank")} ${f.rank}</p></section>
    <section class="card"><h2>${t("me.share")}</h2><div class="filters"><select id="content">${campaigns.flatMap(c => (c.contents || [])
      .map(x => `<option value="${esc(c.id)}|${esc(x.id)}">${esc(c.name || c.id)}: ${esc(x.title || x.id)}</option>`)).join("")}</select>
      <button class="primary" id="make">${t("me.share")}</button></div><p id="made"></p>
      <h2>${t("advocacy.links")}</h2><ul>${mine.links.map(l => `<li><a href="${esc(l.url)}">${esc(l.url)}</a> (<a href="${esc(l.qrCode)}">QR</a>)</li>`).join("")}</ul></section>`;
  page.querySelector("#make")?.addEventListener("click", async () => {
    const [campaign, content] = page.querySelector("#content").value.split("|");
    const link = await attempt(page.querySelector("#made"), "share", () => post("/api/me/shares", { campaign, content }));
    if (!link) return;
    page.querySelector("#made").innerHTML = `<a href="${esc(link.url)}">${esc(link.url)}</a> <img alt="QR" width="120" src="${esc(link.qrCode)}">`;
  });
}

// ---- routing --------------------------------------------------------------------------------

let who = null;

function route() {
  const [path, search] = (location.hash.slice(1) || "/funnel").split("?");
  const params = Object.fromEntries(new URLSearchParams(search || ""));
  const parts = path.split("/").filter(Boolean);
  document.querySelectorAll("header nav a").forEach(a => {
    a.classList.toggle("active", a.getAttribute("href") === "#/" + parts[0]);
    a.hidden = !who.admin && a.getAttribute("href") !== "#/me"; // an employee sees their own page only
  });
  document.querySelector("header nav a[href='#/me']").hidden = !who.employee;
  if (!who.admin) return mePage();
  switch (parts[0]) {
    case "me": return mePage();
    case "journeys": return journeysPage(params);
    case "rules": return rulesPage(params);
    case "leads": return parts[1] ? leadPage(decodeURIComponent(parts[1])) : leadsPage(params);
    case "advocacy": return advocacyPage(params);
    case "sales": return salesPage(params);
    default: return funnelPage(params);
  }
}

async function show() {
  translate();
  document.getElementById("lang").textContent = lang() === "zh" ? "English" : "中文";
  page.innerHTML = `<p class="hint">${t("app.loading")}</p>`;
  page.dataset.ready = "false";
  try {
    who = await api("/api/me");
    await route();
    login.hidden = true;
    page.hidden = false;
  } catch (e) {
    if (e instanceof Unauthorized) {
      page.hidden = true;
      login.hidden = false;
      return;
    }
    login.hidden = true;
    page.hidden = false;
    page.innerHTML = `<p class="error" id="failure">${t("app.failed")}: ${esc(e.message)}</p>`;
  } finally {
    page.dataset.ready = "true";
  }
}

login.addEventListener("submit", async event => {
  event.preventDefault();
  const data = new FormData(login);
  sessionStorage.setItem("baton.auth", btoa(unescape(encodeURIComponent(data.get("user") + ":" + data.get("password")))));
  try {
    await api("/api/me");
    document.getElementById("login-error").textContent = "";
    show();
  } catch (e) {
    sessionStorage.removeItem("baton.auth");
    document.getElementById("login-error").textContent = t("login.wrong");
  }
});
document.getElementById("logout").addEventListener("click", () => {
  sessionStorage.removeItem("baton.auth");
  login.querySelector("[name=password]").value = "";
  show();
});
document.getElementById("lang").addEventListener("click", () => { setLang(lang() === "zh" ? "en" : "zh"); show(); });
window.addEventListener("hashchange", show);
setLang(lang());
show();
