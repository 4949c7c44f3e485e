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

// ---- segments -------------------------------------------------------------------------------

// The editor shows a segment's conditions as rows under one all/any switch. Whatever rows cannot
// say exactly (nesting, several bounds, hasAny, numbers compared as text…) stays in the JSON view,
// so nothing is lost by opening a segment and saving it again.
const TIERS = ["cold", "warm", "hot"];
const RANGE = ["gte", "gt", "lte", "lt"];
const SYMBOL = { gte: "≥", gt: ">", lte: "≤", lt: "<" };
const KINDS = ["tier", "score", "tag", "trait", "did", "didNot", "unsubscribed", "seen", "brought", "journey"];
const BROUGHT_BY = ["employee", "team", "campaign"];
const JOURNEY_STATES = ["in", "at", "finished", "entered"];
const TRAIT_OPS = ["eq", "in", "prefix", "exists", "missing", ...RANGE];
const CHANNELS = ["email", "sms"];
const PHASES = { "counting behaviour": "counting", "recording members": "recording", done: "done", failed: "failed" };
const SEGMENT_DRAFTS = "baton.segmentDrafts";
const NEW_SEGMENT = "new";

const isObject = v => v !== null && typeof v === "object" && !Array.isArray(v);
/** JSON with its keys sorted: the same conditions give the same text, whatever order their keys came in. */
const canonical = v => Array.isArray(v) ? `[${v.map(canonical).join(",")}]`
  : isObject(v) ? `{${Object.keys(v).sort().map(k => JSON.stringify(k) + ":" + canonical(v[k])).join(",")}}`
  : JSON.stringify(v ?? null);
const numberOrNull = text => text === "" || text == null ? null : Number(text);
const numeric = text => text.trim() !== "" && !Number.isNaN(Number(text));

function blankRow(kind) {
  switch (kind) {
    case "tier": return { kind, tiers: [] };
    case "score": return { kind, op: "gte", value: "" };
    case "tag": return { kind, tag: "" };
    case "trait": return { kind, trait: "", op: "eq", value: "" };
    case "did": case "didNot": return { kind, event: "", property: "", value: "", atLeast: "", withinDays: "" };
    case "unsubscribed": return { kind, channel: "email" };
    case "brought": return { kind, by: "employee", value: "" };
    case "journey": return { kind, journey: "", state: "in", value: "" };
    default: return { kind: "seen", days: "30" };
  }
}

/** One row as the API's condition; empty inputs are sent as they are, for the API to name. */
function rowCondition(row) {
  switch (row.kind) {
    case "tier": return { tier: { in: row.tiers } };
    case "score": return { score: { [row.op]: numberOrNull(row.value) } };
    case "tag": return { tag: { has: row.tag } };
    case "trait": {
      const condition = { trait: row.trait };
      if (row.op === "exists" || row.op === "missing") condition.exists = row.op === "exists";
      else if (row.op === "in") condition.in = row.value.split(",").map(v => v.trim()).filter(Boolean);
      else if (RANGE.includes(row.op)) condition[row.op] = numeric(row.value) ? Number(row.value) : row.value; // numbers compare as numbers
      else condition[row.op] = row.value;
      return condition;
    }
    case "did": case "didNot": {
      const condition = { event: row.event };
      if (row.property) condition.where = { [row.property]: row.value };
      if (row.atLeast !== "") condition.atLeast = Number(row.atLeast);
      if (row.withinDays !== "") condition.withinDays = Number(row.withinDays);
      return row.kind === "didNot" ? { not: condition } : condition;
    }
    case "unsubscribed": return { unsubscribed: row.channel };
    case "brought": return { brought: { [row.by]: row.value } };
    case "journey": {
      const condition = { journey: row.journey };
      if (row.state === "at") condition.at = row.value;
      else if (row.state === "finished") condition.finished = row.value === "" ? true : row.value;
      else if (row.state === "entered") condition.entered = true;
      return condition;
    }
    default: return { seen: { withinDays: numberOrNull(row.days) } };
  }
}

/** A condition as a row, or null when no row says exactly the same. */
function conditionRow(c) {
  if (!isObject(c)) return null;
  let row = null;
  if ("not" in c) {
    const inner = conditionRow(c.not);
    row = inner && inner.kind === "did" ? { ...inner, kind: "didNot" } : null;
  } else if (isObject(c.tier)) {
    row = { kind: "tier", tiers: Array.isArray(c.tier.in) ? c.tier.in.map(String) : "eq" in c.tier ? [String(c.tier.eq)] : [] };
  } else if (isObject(c.score) && Object.keys(c.score).length === 1 && RANGE.includes(Object.keys(c.score)[0])) {
    const [op] = Object.keys(c.score);
    row = { kind: "score", op, value: String(c.score[op] ?? "") };
  } else if (isObject(c.tag) && typeof c.tag.has === "string") {
    row = { kind: "tag", tag: c.tag.has };
  } else if (typeof c.trait === "string") {
    const ops = Object.keys(c).filter(k => k !== "trait");
    const [op] = ops, value = c[op];
    if (ops.length !== 1) row = null;
    else if (op === "exists" && typeof value === "boolean") row = { kind: "trait", trait: c.trait, op: value ? "exists" : "missing", value: "" };
    else if (op === "in" && Array.isArray(value)) row = { kind: "trait", trait: c.trait, op, value: value.join(", ") };
    else if (TRAIT_OPS.includes(op) && (typeof value === "string" || typeof value === "number")) row = { kind: "trait", trait: c.trait, op, value: String(value) };
  } else if (typeof c.event === "string") {
    const where = isObject(c.where) ? Object.entries(c.where) : c.where === undefined ? [] : null;
    if (where && where.length <= 1) {
      row = { kind: "did", event: c.event, property: where[0]?.[0] ?? "", value: String(where[0]?.[1] ?? ""),
        atLeast: String(c.atLeast ?? ""), withinDays: String(c.withinDays ?? "") };
    }
  } else if (CHANNELS.includes(c.unsubscribed)) {
    row = { kind: "unsubscribed", channel: c.unsubscribed };
  } else if (isObject(c.seen)) {
    row = { kind: "seen", days: String(c.seen.withinDays ?? "") };
  } else if (isObject(c.brought) && Object.keys(c.brought).length === 1 && BROUGHT_BY.includes(Object.keys(c.brought)[0])
      && typeof Object.values(c.brought)[0] === "string") {
    const [by] = Object.keys(c.brought);
    row = { kind: "brought", by, value: c.brought[by] };
  } else if (typeof c.journey === "string") {
    const state = "at" in c ? "at" : "finished" in c ? "finished" : "entered" in c ? "entered" : "in";
    const value = state === "at" ? c.at : state === "finished" && typeof c.finished === "string" ? c.finished : "";
    row = { kind: "journey", journey: c.journey, state, value: String(value ?? "") };
  }
  // {"tier":{"eq":"hot"}} is {"tier":{"in":["hot"]}}; anything else must come back exactly as it was.
  const same = isObject(c.tier) && Object.keys(c.tier).length === 1 && "eq" in c.tier ? { ...c, tier: { in: [c.tier.eq] } } : c;
  return row && canonical(rowCondition(row)) === canonical(same) ? row : null;
}

/** Conditions as an all/any switch over rows, or null when they need the JSON view. */
function conditionRows(conditions) {
  if (!isObject(conditions)) return null;
  const [first, ...others] = Object.keys(conditions);
  const group = !others.length && (first === "all" || first === "any") && Array.isArray(conditions[first]);
  const rows = (group ? conditions[first] : [conditions]).map(conditionRow);
  return rows.every(Boolean) ? { match: group ? first : "all", rows } : null;
}

/** What an editor state says: rows under the switch, or the JSON view's text (a SyntaxError when it does not parse). */
const draftConditions = d => d.json === null ? { [d.match]: d.rows.map(rowCondition) } : JSON.parse(d.json);
const draftText = d => { try { return canonical({ name: d.name, conditions: draftConditions(d) }); } catch { return null; } };
const draftChanged = d => (d.isNew && d.id !== "") || draftText(d) !== d.base;

/** An editor state for a saved segment (or a new one); base is what it says before any edit. */
function segmentState(saved) {
  const shown = saved ? conditionRows(saved.conditions) : { match: "all", rows: [{ kind: "tier", tiers: ["warm", "hot"] }] };
  const d = { isNew: !saved, id: saved ? saved.id : "", name: saved ? saved.name : "", match: shown ? shown.match : "all",
    rows: shown ? shown.rows : [], json: shown ? null : JSON.stringify(saved.conditions, null, 2) };
  return { ...d, base: draftText(d) };
}

// Unsaved editor states, kept in this browser until saved or discarded: {"new" | "segment:<id>": state}.
function segmentDrafts() {
  try {
    return JSON.parse(localStorage.getItem(SEGMENT_DRAFTS) || "{}") || {};
  } catch {
    return {};
  }
}

function keepSegmentDraft(key, draft) {
  const drafts = segmentDrafts();
  if (draft) drafts[key] = draft;
  else delete drafts[key];
  try {
    localStorage.setItem(SEGMENT_DRAFTS, JSON.stringify(drafts));
  } catch {
    // storage full or refused: the draft lives on in the page only
  }
}

/** The "New segment" button says when an unsaved new segment is kept. */
function showNewDraft() {
  const button = page.querySelector("#segment-new");
  if (button) button.textContent = t("segments.new") + (segmentDrafts()[NEW_SEGMENT] ? " •" : "");
}

const buildingNow = s => s.state === "building" || (s.build && !["done", "failed"].includes(s.build.phase));

/** A segment's state, with its build's phase and progress while it builds, or the build's error. */
function segmentStateCell(s, figure) {
  const build = s.build || {};
  const label = (kind, text) => `<span class="state ${kind}"${figure ? ` data-figure="${esc(figure)}"` : ""}>${esc(text)}</span>`;
  if (build.phase === "failed") {
    return `${label("failed", t("segments.phase.failed"))} <span class="error" data-build-error>${esc(build.error)}</span>
      <span class="hint">${t("segments.retried")}</span>`;
  }
  const state = label(s.state, t("segments.state." + s.state));
  if (!buildingNow(s)) return state;
  const total = Math.max(build.total || 0, build.processed || 0);
  return `${state} <span class="build"><span data-build-phase>${esc(PHASES[build.phase] ? t("segments.phase." + PHASES[build.phase]) : build.phase)}</span>
    <progress max="${total || 1}"${total ? ` value="${build.processed || 0}"` : ""}></progress>
    <span class="num" data-build-progress>${build.processed || 0}/${total}</span></span>`;
}

/** The segments table; asked again every 2 s while a segment builds, until the page shows something else. */
function segmentList(box, problemBox) {
  let timer = null;
  function render(segments) {
    const drafts = segmentDrafts();
    const head = ["name", "id", "state", "count"].map(k => t("segments." + k));
    box.innerHTML = !segments.length ? `<p class="hint" id="segments-none">${t("segments.none")}</p>` : `<table class="stack" id="segments-table">
      <thead><tr><th>${head[0]}</th><th>${head[1]}</th><th>${head[2]}</th><th class="num">${head[3]}</th></tr></thead><tbody>
      ${segments.map(s => `<tr class="clickable" data-segment="${esc(s.id)}">
        <td data-label="${head[0]}"><a href="#/segments/${encodeURIComponent(s.id)}">${esc(s.name)}</a>
          ${drafts["segment:" + s.id] ? ` <em class="hint" data-draft>${t("segments.draft")}</em>` : ""}</td>
        <td data-label="${head[1]}"><code>${esc(s.id)}</code></td>
        <td data-label="${head[2]}">${segmentStateCell(s, `segments.${s.id}.state`)}</td>
        <td class="num" data-label="${head[3]}" data-figure="segments.${esc(s.id)}.count">${esc(s.count)}</td></tr>`).join("")}</tbody></table>`;
    box.querySelectorAll("tr[data-segment]").forEach(r => r.addEventListener("click", e => {
      if (!e.target.closest("a")) location.hash = "#/segments/" + encodeURIComponent(r.dataset.segment);
    }));
  }
  async function refresh() {
    clearTimeout(timer);
    const segments = await attempt(problemBox, "load", () => api("/api/segments"));
    if (!box.isConnected) return;
    if (segments) render(segments);
    watch(segments);
  }
  function watch(segments) {
    clearTimeout(timer);
    if (!segments || segments.some(buildingNow)) timer = setTimeout(() => box.isConnected && refresh(), segments ? 2000 : 5000);
  }
  return { render: segments => { render(segments); watch(segments); }, refresh };
}

async function segmentsPage(state) {
  const editing = state.edit !== undefined ? state.edit : state.new !== undefined ? "" : null;
  const segments = await api("/api/segments");
  page.innerHTML = `<h1>${t("segments.title")}</h1>
    <section class="card"><div class="filters"><button class="primary" id="segment-new"></button></div>
      <div id="segments-list"></div><div id="segments-problem" class="problem-area"></div></section>
    <section class="card" id="segment-editor" hidden></section>`;
  showNewDraft();
  page.querySelector("#segment-new").addEventListener("click", () => { location.hash = "#/segments?new"; });
  const list = segmentList(page.querySelector("#segments-list"), page.querySelector("#segments-problem"));
  list.render(segments);
  if (editing !== null) await segmentEditor(editing, list);
}

/** The editor of one segment (id "" for a new one), below the list it refreshes on saving. */
async function segmentEditor(id, list) {
  const box = page.querySelector("#segment-editor");
  box.hidden = false;
  const saved = id ? await attempt(box, "load", () => api("/api/segments/" + encodeURIComponent(id))) : null;
  if (saved === undefined) return;
  let key = id ? "segment:" + id : NEW_SEGMENT;
  let fresh = segmentState(saved);
  let d = segmentDrafts()[key] || fresh; // a draft kept in this browser wins over the saved definition
  let previewTimer = null;
  let previewed = 0;

  function render() {
    const kept = d !== fresh && draftChanged(d);
    box.innerHTML = `<h2>${d.isNew ? t("segments.new") : t("segments.editing")}</h2>
      <p class="hint" id="segment-draft-note"></p>
      <div class="filters"><label>${t("segments.id")}<input id="segment-id" value="${esc(d.id)}" ${d.isNew ? "" : "readonly"}
          autocapitalize="off" autocomplete="off" spellcheck="false" size="20" maxlength="64"></label>
        <label class="grow">${t("segments.name")}<input id="segment-name" value="${esc(d.name)}"></label></div>
      ${d.isNew ? `<p class="hint">${t("segments.idHint")}</p>` : ""}
      <div class="filters"><label id="segment-match-label">${t("segments.match")}<select id="segment-match">
          ${["all", "any"].map(m => `<option value="${m}" ${d.match === m ? "selected" : ""}>${t("segments.match." + m)}</option>`).join("")}</select></label>
        <label class="check"><input type="checkbox" id="segment-json-toggle" ${d.json !== null ? "checked" : ""}> ${t("segments.json")}</label></div>
      <p class="hint" id="segment-json-note"></p>
      <div id="segment-rows"></div>
      <button type="button" class="secondary" id="segment-add">+ ${t("segments.add")}</button>
      <textarea id="segment-json" class="json" spellcheck="false" rows="14"></textarea>
      <div id="segment-preview" class="preview" aria-live="polite"></div>
      <div class="filters actions"><button class="primary" id="segment-save">${t("segments.save")}</button>
        <button class="secondary" id="segment-discard">${t("segments.discard")}</button>
        <button class="secondary" id="segment-close">${t("segments.close")}</button></div>
      <div id="segment-save-problem" class="problem-area"></div>`;
    showMode();
    showDraft(kept && saved && d.base !== fresh.base);
    // Inputs say "input" as they change and selects "change" too (some only "change"): each edit is taken once.
    const input = (selector, field) => ["input", "change"].forEach(type => box.querySelector(selector).addEventListener(type, e => {
      if (d[field] === e.target.value) return;
      d[field] = e.target.value;
      e.target.classList.remove("invalid");
      e.target.removeAttribute("aria-invalid");
      edited(field === "match");
    }));
    input("#segment-id", "id");
    input("#segment-name", "name");
    input("#segment-match", "match");
    box.querySelector("#segment-json").addEventListener("input", e => { d.json = e.target.value; edited(true); });
    box.querySelector("#segment-json-toggle").addEventListener("change", toggleJson);
    box.querySelector("#segment-rows").addEventListener("input", editRow);
    box.querySelector("#segment-rows").addEventListener("change", editRow);
    box.querySelector("#segment-rows").addEventListener("click", e => {
      const remove = e.target.closest("[data-remove]");
      if (!remove) return;
      d.rows.splice(Number(remove.dataset.remove), 1);
      showRows();
      edited(true);
    });
    box.querySelector("#segment-add").addEventListener("click", () => {
      d.rows.push(blankRow("did"));
      showRows();
      box.querySelector(`[data-row="${d.rows.length - 1}"] [data-key=kind]`).focus();
      edited(true);
    });
    box.querySelector("#segment-save").addEventListener("click", save);
    box.querySelector("#segment-discard").addEventListener("click", discard);
    box.querySelector("#segment-close").addEventListener("click", () => { location.hash = "#/segments"; });
    preview();
  }

  function showMode() {
    const json = d.json !== null;
    box.querySelector("#segment-json").hidden = !json;
    box.querySelector("#segment-json").value = json ? d.json : "";
    box.querySelector("#segment-rows").hidden = json;
    box.querySelector("#segment-add").hidden = json;
    box.querySelector("#segment-match-label").hidden = json;
    box.querySelector("#segment-json-toggle").checked = json;
    if (json && !draftText(d)) {
      box.querySelector("#segment-json-note").textContent = "";
    } else if (json && !conditionRows(draftConditions(d))) {
      box.querySelector("#segment-json-note").textContent = t("segments.jsonOnly");
    } else {
      box.querySelector("#segment-json-note").textContent = "";
    }
    if (!json) showRows();
  }

  function showRows() {
    box.querySelector("#segment-rows").innerHTML = d.rows.map(rowHtml).join("");
  }

  function showDraft(stale) {
    const changed = draftChanged(d);
    const note = box.querySelector("#segment-draft-note");
    note.textContent = changed ? t("segments.draftKept") + (stale ? " " + t("segments.draftStale") : "") : "";
    note.dataset.draft = changed ? "kept" : "";
    box.querySelector("#segment-discard").hidden = !changed;
  }

  function edited(conditions) {
    keepSegmentDraft(key, draftChanged(d) ? d : null);
    showNewDraft();
    showDraft(false);
    if (conditions) {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(preview, 400);
    }
  }

  function editRow(e) {
    const input = e.target;
    const rowBox = input.closest("[data-row]");
    if (!rowBox || !input.dataset.key) return;
    const i = Number(rowBox.dataset.row);
    const row = d.rows[i];
    const field = input.dataset.key;
    const value = field === "tiers" ? [...rowBox.querySelectorAll("[data-key=tiers]:checked")].map(c => c.value) : input.value;
    if (canonical(value) === canonical(row[field])) return; // the same edit, said again by its "change"
    if (field === "kind") {
      const next = blankRow(input.value);
      const behaviour = k => k === "did" || k === "didNot";
      d.rows[i] = behaviour(row.kind) && behaviour(next.kind) ? { ...row, kind: next.kind } : next;
    } else {
      row[field] = value;
    }
    if (field === "kind" || field === "op" || field === "state") { // other inputs for the new kind, comparison or journey state
      showRows();
      box.querySelector(`[data-row="${i}"] [data-key="${field}"]`).focus();
    } else {
      input.classList.remove("invalid");
      input.removeAttribute("aria-invalid");
    }
    edited(true);
  }

  function toggleJson(e) {
    const note = box.querySelector("#segment-json-note");
    if (e.target.checked) {
      d.json = JSON.stringify(draftConditions(d), null, 2);
    } else {
      let shown = null;
      try {
        shown = conditionRows(JSON.parse(d.json));
        if (!shown) note.textContent = t("segments.jsonOnly");
      } catch (error) {
        note.textContent = t("segments.badJson") + ": " + error.message;
      }
      if (!shown) {
        e.target.checked = true; // kept as JSON: the rows cannot show it
        return;
      }
      Object.assign(d, shown, { json: null });
    }
    showMode();
    edited(true);
  }

  /** Where a problem's field is in the editor: its input (or the JSON view) and, for a row, its words. */
  function locate(field) {
    if (field === "id" || field === "name") return { inputs: [box.querySelector("#segment-" + field)], words: t("segments." + field) };
    if (!field || !field.startsWith("conditions")) return null;
    if (d.json !== null) return { inputs: [box.querySelector("#segment-json")], words: null };
    const at = /^conditions\.(?:all|any)\[(\d+)\](?:\.not)?(?:\.(\w+))?/.exec(field);
    const rowBox = at && box.querySelector(`[data-row="${at[1]}"]`);
    if (!rowBox) return { inputs: [box.querySelector("#segment-rows")], words: null };
    const part = at[2] || "";
    const key = { where: "value", tier: "tiers", score: "value", exists: "op", unsubscribed: "channel", seen: "days",
      brought: "value", at: "value", finished: "value", entered: "state" }[part]
      || (["eq", "in", "prefix", ...RANGE].includes(part) ? "value" : part);
    const label = rowBox.querySelector(`[data-field="${key}"]`);
    return { inputs: label ? [...label.querySelectorAll("input, select")] : [rowBox],
      words: t("segments.where", { n: Number(at[1]) + 1, input: label ? label.dataset.label : t("segments.kind." + d.rows[at[1]].kind) }) };
  }

  /** Marks the input a problem names (and unmarks the others in scope); returns the problem's place in words. */
  function mark(field, scope) {
    scope.querySelectorAll(".invalid").forEach(x => { x.classList.remove("invalid"); x.removeAttribute("aria-invalid"); });
    const place = locate(field);
    if (!place) return "";
    place.inputs.forEach(x => { x.classList.add("invalid"); x.setAttribute("aria-invalid", "true"); });
    return place.words ? `<p class="hint" data-problem-where>${esc(place.words)}</p>` : "";
  }

  const unparsed = error => ({ message: t("segments.badJson") + ": " + error.message, body: { field: "conditions" } });
  const conditionInputs = () => ({ querySelectorAll: s => [...box.querySelectorAll(`#segment-rows ${s}, #segment-json${s}`)] });

  async function preview() {
    clearTimeout(previewTimer);
    const ask = ++previewed;
    const out = box.querySelector("#segment-preview");
    let conditions;
    try {
      conditions = draftConditions(d);
    } catch (error) {
      out.innerHTML = problem("preview", unparsed(error)) + mark("conditions", conditionInputs());
      return;
    }
    out.classList.add("busy");
    try {
      const answer = await post("/api/segments/preview", { conditions });
      if (ask !== previewed || !out.isConnected) return; // an older answer, or the page moved on
      mark(null, conditionInputs());
      out.innerHTML = `<p>${t("segments.preview")}: <strong data-figure="segments.preview">${esc(answer.count)}</strong></p>
        ${answer.uncounted.length ? `<div class="hint" id="segment-uncounted"><p>${t("segments.uncounted")}</p>
          <ul>${answer.uncounted.map(u => `<li data-uncounted>${esc(u)}</li>`).join("")}</ul></div>` : ""}`;
    } catch (e) {
      if (e instanceof Unauthorized) return show();
      if (ask !== previewed || !out.isConnected) return;
      out.innerHTML = problem("preview", e) + mark(e.body && e.body.field, conditionInputs());
    } finally {
      if (ask === previewed) out.classList.remove("busy");
    }
  }

  async function save() {
    const out = box.querySelector("#segment-save-problem");
    out.innerHTML = "";
    let conditions;
    try {
      conditions = draftConditions(d);
    } catch (error) {
      out.innerHTML = problem("segment", unparsed(error)) + mark("conditions", box);
      return;
    }
    const segmentId = d.id.trim();
    if (!segmentId) {
      out.innerHTML = problem("segment", { message: t("segments.needId"), body: { field: "id" } }) + mark("id", box);
      return;
    }
    const path = "/api/segments/" + encodeURIComponent(segmentId);
    try {
      // PUT creates or redefines: a new segment replaces another only when the user says so.
      if (d.isNew && await api(path).then(() => true, e => e.status === 404 ? false : Promise.reject(e))
          && !confirm(t("segments.confirmReplace", { id: segmentId }))) return;
      const view = await api(path, { method: "PUT", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: d.name, conditions }) });
      keepSegmentDraft(key, null);
      showNewDraft();
      key = "segment:" + view.id;
      d = fresh = segmentState(view);
      history.replaceState(null, "", "#/segments?edit=" + encodeURIComponent(view.id)); // a reload edits the saved segment
      render();
      box.querySelector("#segment-save-problem").innerHTML = `<p class="ok" id="segment-saved">${t("segments.saved")}
        <a href="#/segments/${encodeURIComponent(view.id)}">${t("segments.view")}</a></p>`;
      list.refresh();
    } catch (e) {
      if (e instanceof Unauthorized) return show();
      out.innerHTML = problem("segment", e) + mark(e.body && e.body.field, box);
    }
  }

  function discard() {
    if (!confirm(t("segments.confirmDiscard", { name: d.name || d.id || t("segments.new") }))) return;
    keepSegmentDraft(key, null);
    showNewDraft();
    d = fresh = segmentState(saved);
    render();
  }

  render();
  box.scrollIntoView({ block: "start" });
}

function rowHtml(row, i) {
  const field = (key, label, control) => `<label data-field="${key}" data-label="${esc(label)}">${esc(label)}${control}</label>`;
  const text = (key, label, extra = "") => field(key, label,
    `<input data-key="${key}" value="${esc(row[key])}" autocapitalize="off" spellcheck="false" ${extra}>`);
  const number = (key, label, extra = "") => field(key, label,
    `<input type="number" inputmode="numeric" data-key="${key}" value="${esc(row[key])}" ${extra}>`);
  const select = (key, label, options) => field(key, label, `<select data-key="${key}">${options.map(([value, text]) =>
    `<option value="${esc(value)}" ${value === row[key] ? "selected" : ""}>${esc(text)}</option>`).join("")}</select>`);
  const compare = ops => select("op", t("segments.field.compare"), ops.map(o => [o, t("segments.op." + o)]));
  let inputs;
  switch (row.kind) {
    case "tier":
      inputs = `<fieldset data-field="tiers" data-label="${esc(t("segments.field.tiers"))}"><legend>${t("segments.field.tiers")}</legend>
        ${[...new Set([...TIERS, ...row.tiers])].map(tier => `<label class="check"><input type="checkbox" data-key="tiers"
          value="${esc(tier)}" ${row.tiers.includes(tier) ? "checked" : ""}> ${esc(tier)}</label>`).join("")}</fieldset>`;
      break;
    case "score":
      inputs = compare(RANGE) + number("value", t("segments.field.score"), `class="short"`);
      break;
    case "tag":
      inputs = text("tag", t("segments.field.tag"), `placeholder="interest:guide"`);
      break;
    case "trait":
      inputs = text("trait", t("segments.field.trait"), `placeholder="city"`) + compare(TRAIT_OPS)
        + (row.op === "exists" || row.op === "missing" ? ""
          : text("value", t(row.op === "in" ? "segments.field.values" : "segments.field.value"), row.op === "in" ? `placeholder="Shanghai, Beijing"` : ""));
      break;
    case "did": case "didNot":
      inputs = text("event", t("segments.field.event"), `placeholder="Page Viewed"`)
        + text("property", t("segments.field.property"), `placeholder="category"`)
        + text("value", t("segments.field.equals"), `placeholder="pricing"`)
        + number("atLeast", t("segments.field.atLeast"), `class="short" min="1" max="100" placeholder="1"`)
        + number("withinDays", t("segments.field.withinDays"), `class="short" min="1" max="3650" placeholder="${esc(t("segments.field.anyTime"))}"`);
      break;
    case "unsubscribed":
      inputs = select("channel", t("segments.field.channel"), CHANNELS.map(c => [c, t("segments.channel." + c)]));
      break;
    case "brought":
      inputs = select("by", t("segments.field.by"), BROUGHT_BY.map(b => [b, t("segments.by." + b)]))
        + text("value", t("segments.field.who"), `placeholder="alice"`);
      break;
    case "journey":
      inputs = text("journey", t("segments.field.journey"), `placeholder="welcome"`)
        + select("state", t("segments.field.where"), JOURNEY_STATES.map(s => [s, t("segments.journey." + s)]))
        + (row.state === "at" || row.state === "finished" ? text("value", t("segments.field.step"), `placeholder="${row.state === "at" ? "WaitForForm" : ""}"`) : "");
      break;
    default:
      inputs = number("days", t("segments.field.days"), `class="short" min="1" max="3650"`);
  }
  return `<div class="condition" data-row="${i}" data-kind="${row.kind}">
    ${select("kind", t("segments.kind"), KINDS.map(k => [k, t("segments.kind." + k)]))}${inputs}
    <button type="button" class="secondary remove" data-remove="${i}" title="${t("segments.remove")}" aria-label="${t("segments.remove")}">×</button></div>`;
}

/** A row in words, for a segment's page. */
function describeRow(row) {
  const v = x => `<strong>${esc(x)}</strong>`;
  switch (row.kind) {
    case "tier": return t("segments.says.tier", { values: row.tiers.map(v).join(" / ") });
    case "score": return t("segments.says.score", { op: SYMBOL[row.op], value: v(row.value) });
    case "tag": return t("segments.says.tag", { tag: v(row.tag) });
    case "trait": return t("segments.says.trait." + (RANGE.includes(row.op) ? "range" : row.op),
      { trait: v(row.trait), op: SYMBOL[row.op] || "", value: v(row.value) });
    case "did": case "didNot": return t("segments.says." + row.kind, { event: v(row.event),
      where: row.property ? t("segments.says.where", { property: esc(row.property), value: v(row.value) }) : "",
      times: row.atLeast && row.atLeast !== "1" ? t("segments.says.times", { n: esc(row.atLeast) }) : "",
      window: row.withinDays ? t("segments.says.window", { days: esc(row.withinDays) }) : t("segments.says.ever") });
    case "unsubscribed": return t("segments.says.unsubscribed", { channel: t("segments.channel." + row.channel) });
    case "brought": return t("segments.says.brought", { by: t("segments.by." + row.by), value: v(row.value) });
    case "journey": return t("segments.says.journey." + row.state, { journey: v(row.journey), value: v(row.value),
      end: row.value ? t("segments.says.journey.end", { value: v(row.value) }) : "" });
    default: return t("segments.says.seen", { days: esc(row.days) });
  }
}

async function segmentPage(id) {
  const path = "/api/segments/" + encodeURIComponent(id);
  let segment = await api(path);
  const shown = conditionRows(segment.conditions);
  const head = ["lead", "tier", "score", "lastSeen"].map(k => t("leads." + k));
  page.innerHTML = `<h1>${esc(segment.name)} <small data-figure="segment.id">${esc(segment.id)}</small></h1>
    <div class="filters"><button class="secondary" id="segment-back">← ${t("segments.back")}</button>
      <button class="primary" id="segment-edit">${t("segments.edit")}</button>
      <button class="danger" id="segment-delete">${t("segments.delete")}</button></div>
    <div id="segment-delete-problem" class="problem-area"></div>
    <div class="grid2"><section class="card" id="segment-status"></section>
      <section class="card"><h2>${t("segments.conditions")}</h2>
        ${shown ? `<p>${t("segments.says." + shown.match)}</p><ul class="conditions" data-figure="segment.says">
          ${shown.rows.map(r => `<li>${describeRow(r)}</li>`).join("")}</ul>` : ""}
        <details ${shown ? "" : "open"}><summary>JSON</summary><pre class="json" data-figure="segment.conditions">${esc(JSON.stringify(segment.conditions, null, 2))}</pre></details>
      </section></div>
    <section class="card"><h2>${t("segments.members")}</h2>
      <table class="stack" id="segment-members"><thead><tr>${head.map((h, i) => `<th${i === 2 ? ` class="num"` : ""}>${h}</th>`).join("")}</tr></thead><tbody></tbody></table>
      <p class="hint" id="segment-members-none" hidden>${t("segments.noMembers")}</p>
      <button class="secondary" id="segment-more" hidden>${t("segments.more")}</button>
      <div id="segment-members-problem" class="problem-area"></div></section>
    <section class="card" id="segment-journeys"><h2>${t("segments.journeys")}</h2><div data-journeys></div>
      <h3>${t("segments.entries")}</h3><div data-entries></div><div id="segment-journeys-problem" class="problem-area"></div></section>
    <section class="card" id="segment-broadcasts"><h2>${t("broadcasts.title")}</h2><div data-broadcasts></div>
      <a href="#/broadcasts?segment=${encodeURIComponent(id)}" id="segment-broadcast">${t("broadcasts.new")}</a></section>`;
  page.querySelector("#segment-back").addEventListener("click", () => { location.hash = "#/segments"; });
  page.querySelector("#segment-edit").addEventListener("click", () => { location.hash = "#/segments?edit=" + encodeURIComponent(id); });
  page.querySelector("#segment-delete").addEventListener("click", async () => {
    if (!confirm(t("segments.confirmDelete", { name: segment.name }))) return;
    if (await attempt(page.querySelector("#segment-delete-problem"), "delete", () => api(path, { method: "DELETE" })) === undefined) return;
    keepSegmentDraft("segment:" + id, null);
    location.hash = "#/segments";
  });

  const status = page.querySelector("#segment-status");
  function showStatus() {
    const b = segment.build || {};
    const row = (label, value, figure) => value === null || value === undefined || value === "" ? ""
      : `<tr><th>${label}</th><td${figure ? ` data-figure="${figure}"` : ""}>${value}</td></tr>`;
    status.innerHTML = `<p>${t("segments.count")}: <strong data-figure="segment.count">${esc(segment.count)}</strong></p>
      <p>${t("segments.state")}: ${segmentStateCell(segment, "segment.state")}</p>
      <h2>${t("segments.build")}</h2><table><tbody>
        ${row(t("segments.phase"), esc(PHASES[b.phase] ? t("segments.phase." + PHASES[b.phase]) : b.phase), "segment.phase")}
        ${row(t("segments.processed"), `${esc(b.processed ?? 0)} / ${esc(b.total ?? 0)}`, "segment.processed")}
        ${row(t("segments.started"), when(b.startedAt))}${row(t("segments.heartbeat"), when(b.heartbeatAt))}
        ${row(t("segments.finished"), when(b.finishedAt))}${row(t("segments.node"), esc(b.node))}
        ${row(t("segments.error"), b.error ? `<span class="error">${esc(b.error)}</span>` : "")}</tbody></table>`;
  }
  showStatus();

  const members = page.querySelector("#segment-members tbody");
  const more = page.querySelector("#segment-more");
  let after = null;
  async function loadMembers(fromStart) {
    if (fromStart) after = null;
    const answer = await attempt(page.querySelector("#segment-members-problem"), "load",
      () => api(path + "/leads?" + query({ size: 50, after })));
    if (!answer || !members.isConnected) return;
    if (fromStart) members.innerHTML = "";
    members.insertAdjacentHTML("beforeend", answer.leads.map(m => `<tr data-member="${esc(m.id)}">
      <td data-label="${head[0]}"><a href="#/leads/${encodeURIComponent(m.id)}">${esc((m.emails || [])[0] || m.id)}</a></td>
      <td data-label="${head[1]}">${esc(m.tier)}</td><td class="num" data-label="${head[2]}">${esc(m.score ?? "")}</td>
      <td data-label="${head[3]}">${when(m.lastSeen)}</td></tr>`).join(""));
    after = answer.next;
    more.hidden = !after;
    page.querySelector("#segment-members-none").hidden = members.children.length > 0;
  }
  more.addEventListener("click", () => loadMembers(false));
  await loadMembers(true);
  const used = await attempt(page.querySelector("#segment-members-problem"), "load",
    () => api("/api/broadcasts?" + query({ segment: id })));
  if (used && page.querySelector("#segment-broadcasts")) {
    page.querySelector("#segment-broadcasts [data-broadcasts]").innerHTML = !used.length ? `<p class="hint">${t("broadcasts.none")}</p>`
      : `<ul>${used.map(b => `<li data-segment-broadcast="${esc(b.id)}"><a href="#/broadcasts?id=${encodeURIComponent(b.id)}">${esc(b.template)}</a>
        (${t("segments.channel." + b.channel)}, ${when(b.sendAt)}): ${t("broadcasts.state." + b.state)}, ${esc(b.published)} / ${esc(b.total)}</li>`).join("")}</ul>`;
  }

  const journeys = await attempt(page.querySelector("#segment-journeys-problem"), "load", () => api(path + "/journeys"));
  if (journeys && page.querySelector("#segment-journeys")) {
    page.querySelector("#segment-journeys [data-journeys]").innerHTML = !journeys.journeys.length
      ? `<p class="hint" id="segment-journeys-none">${t("segments.noJourneys")}</p>`
      : `<ul>${journeys.journeys.map(j => `<li data-segment-journey="${esc(j.key)}"><a href="#/journeys?key=${encodeURIComponent(j.key)}">${esc(j.name)}</a>
        <small>${j.name !== j.key ? esc(j.key) + " " : ""}v${esc(j.version)}</small>: ${j.uses.map(u => t("segments.use." + u)).join(", ")}</li>`).join("")}</ul>`;
    page.querySelector("#segment-journeys [data-entries]").innerHTML = !journeys.entries.length ? "" : `<ul>${journeys.entries.map(e =>
      `<li data-segment-entry="${esc(e.id)}">${t("segments.entry", { journey: `<a href="#/journeys?key=${encodeURIComponent(e.journey)}">${esc(e.journey)}</a>`,
        entered: esc(e.entered), total: esc(e.total), state: t("entries.state." + e.state) })} <small>${when(e.startedAt)}</small></li>`).join("")}</ul>`;
  }

  // While it builds: its state and count every 2 s, and the members again once it is ready.
  async function watch() {
    if (!status.isConnected || !buildingNow(segment)) return;
    const next = await attempt(page.querySelector("#segment-members-problem"), "load", () => api(path));
    if (!status.isConnected) return;
    if (next) {
      const built = !buildingNow(next);
      segment = next;
      showStatus();
      if (built) return loadMembers(true);
    }
    setTimeout(watch, next ? 2000 : 5000);
  }
  setTimeout(watch, 2000);
}

// ---- broadcasts -----------------------------------------------------------------------------

const BROADCAST_OPEN = ["scheduled", "sending", "paused", "stalled", "finishing"];

/** What became of a broadcast's sends, as table rows (sent, blocked by reason, deferred, skipped, failed). */
function broadcastOutcome(b, figure) {
  const o = b.outcome;
  if (!o) return `<p class="hint">${t("broadcasts.notStarted")}</p>`;
  const row = (key, value) => `<tr><th>${t("broadcasts.outcome." + key)}</th><td class="num" data-figure="${figure}.${key}">${esc(value ?? 0)}</td></tr>`;
  const reasons = Object.entries(o.blockedBy || {});
  return `<table><tbody>${row("sent", o.sent)}${row("blocked", o.blocked)}
    ${reasons.map(([reason, n]) => `<tr class="sub"><td>${esc(reason)}</td><td class="num" data-blocked-by>${esc(n)}</td></tr>`).join("")}
    ${row("deferred", o.deferred)}${row("skipped", o.skipped)}${row("failed", o.failed)}${row("inFlight", o.inFlight)}</tbody></table>`;
}

async function broadcastsPage(params) {
  const segments = await api("/api/segments");
  const channels = ["email", "sms"];
  page.innerHTML = `<h1>${t("broadcasts.title")}</h1>
    <section class="card"><h2>${t("broadcasts.new")}</h2>
      <div class="filters">
        <label>${t("broadcasts.segment")}<select id="broadcast-segment">
          ${segments.map(s => `<option value="${esc(s.id)}" ${s.id === params.segment ? "selected" : ""}>${esc(s.name)} (${esc(s.count)})</option>`).join("")}</select></label>
        <label>${t("broadcasts.channel")}<select id="broadcast-channel">
          ${channels.map(c => `<option value="${c}">${t("segments.channel." + c)}</option>`).join("")}</select></label>
        <label>${t("broadcasts.template")}<input id="broadcast-template" placeholder="case-study"></label>
        <label>${t("broadcasts.sendAt")}<input id="broadcast-send-at" type="datetime-local"></label>
        <button class="primary" id="broadcast-send">${t("broadcasts.send")}</button></div>
      <p class="hint">${t("broadcasts.guards")}</p>
      <div id="broadcast-problem" class="problem-area"></div></section>
    <section class="card"><h2>${t("broadcasts.list")}</h2><div id="broadcasts-list"></div>
      <div id="broadcasts-problem" class="problem-area"></div></section>
    <section class="card" id="broadcast-detail" hidden></section>`;
  if (!segments.length) page.querySelector("#broadcast-problem").innerHTML = `<p class="hint">${t("broadcasts.noSegments")}</p>`;
  const list = page.querySelector("#broadcasts-list");
  const detail = page.querySelector("#broadcast-detail");
  let selected = params.id || null;
  let timer = null;

  async function refresh() {
    clearTimeout(timer);
    if (!list.isConnected) return;
    const broadcasts = await attempt(page.querySelector("#broadcasts-problem"), "load", () => api("/api/broadcasts"));
    if (!list.isConnected) return;
    if (broadcasts) renderList(broadcasts);
    const shown = selected ? await attempt(page.querySelector("#broadcasts-problem"), "load",
      () => api("/api/broadcasts/" + encodeURIComponent(selected))) : null;
    if (shown && detail.isConnected) renderDetail(shown);
    const open = (broadcasts || []).some(b => BROADCAST_OPEN.includes(b.state)) || (shown && BROADCAST_OPEN.includes(shown.state));
    if (open || !broadcasts) timer = setTimeout(refresh, broadcasts ? 2000 : 5000);
  }

  function renderList(broadcasts) {
    const head = ["segment", "channel", "template", "state", "progress", "sendAt"].map(k => t("broadcasts." + k));
    list.innerHTML = !broadcasts.length ? `<p class="hint" id="broadcasts-none">${t("broadcasts.none")}</p>` : `<table class="stack" id="broadcasts-table">
      <thead><tr>${head.map((h, i) => `<th${i === 4 ? ` class="num"` : ""}>${h}</th>`).join("")}</tr></thead><tbody>
      ${broadcasts.map(b => `<tr class="clickable${b.id === selected ? " selected" : ""}" data-broadcast="${esc(b.id)}">
        <td data-label="${head[0]}"><a href="#/segments/${encodeURIComponent(b.segment)}">${esc(b.segment)}</a></td>
        <td data-label="${head[1]}">${t("segments.channel." + b.channel)}</td><td data-label="${head[2]}">${esc(b.template)}</td>
        <td data-label="${head[3]}" data-figure="broadcasts.${esc(b.id)}.state">${t("broadcasts.state." + b.state)}</td>
        <td class="num" data-label="${head[4]}" data-figure="broadcasts.${esc(b.id)}.published">${esc(b.published)} / ${esc(b.total)}</td>
        <td data-label="${head[5]}">${when(b.sendAt)}</td></tr>`).join("")}</tbody></table>`;
    list.querySelectorAll("tr[data-broadcast]").forEach(r => r.addEventListener("click", e => {
      if (e.target.closest("a")) return;
      selected = r.dataset.broadcast;
      history.replaceState(null, "", "#/broadcasts?id=" + encodeURIComponent(selected));
      refresh();
    }));
  }

  function renderDetail(b) {
    const actions = { pause: ["scheduled", "sending"], resume: ["paused"], cancel: ["scheduled", "sending", "paused", "stalled"] };
    detail.hidden = false;
    detail.innerHTML = `<h2>${t("broadcasts.detail")} <small>${esc(b.template)} → ${esc(b.segment)}</small></h2>
      <p>${t("broadcasts.state")}: <strong data-figure="broadcast.state">${t("broadcasts.state." + b.state)}</strong>
        · ${t("broadcasts.progress")}: <span data-figure="broadcast.published">${esc(b.published)}</span> / <span data-figure="broadcast.total">${esc(b.total)}</span></p>
      ${b.total ? `<progress max="${esc(b.total)}" value="${esc(b.published)}"></progress>` : ""}
      ${broadcastOutcome(b, "broadcast")}
      <div class="filters actions">${Object.entries(actions).filter(([, from]) => from.includes(b.state))
        .map(([action]) => `<button class="${action === "cancel" ? "danger" : "secondary"}" data-action="${action}">${t("broadcasts." + action)}</button>`).join("")}</div>
      <div id="broadcast-action-problem" class="problem-area"></div>`;
    detail.querySelectorAll("button[data-action]").forEach(button => button.addEventListener("click", async () => {
      const action = button.dataset.action;
      if (action === "cancel" && !confirm(t("broadcasts.confirmCancel"))) return;
      const answer = await attempt(detail.querySelector("#broadcast-action-problem"), "broadcast",
        () => post("/api/broadcasts/" + encodeURIComponent(b.id) + "/" + action));
      if (answer) refresh();
    }));
  }

  page.querySelector("#broadcast-send").addEventListener("click", async () => {
    const at = page.querySelector("#broadcast-send-at").value;
    const body = { segment: page.querySelector("#broadcast-segment").value, channel: page.querySelector("#broadcast-channel").value,
      template: page.querySelector("#broadcast-template").value.trim(), sendAt: at ? new Date(at).toISOString() : undefined };
    const created = await attempt(page.querySelector("#broadcast-problem"), "broadcast", () => post("/api/broadcasts", body));
    if (!created) return;
    selected = created.id;
    history.replaceState(null, "", "#/broadcasts?id=" + encodeURIComponent(selected));
    refresh();
  });
  await refresh();
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
    case "segments": return parts[1] ? segmentPage(decodeURIComponent(parts[1])) : segmentsPage(params);
    case "broadcasts": return broadcastsPage(params);
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
