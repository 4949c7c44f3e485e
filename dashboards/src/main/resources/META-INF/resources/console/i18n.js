// The console's words in English and Chinese. Keys are page.element; missing Chinese falls back to English.
export const messages = {
  en: {
    "app.title": "Baton", "app.logout": "Log out", "app.loading": "Loading…", "app.failed": "Could not load",
    "nav.funnel": "Funnel", "nav.journeys": "Journeys", "nav.rules": "Rules", "nav.leads": "Leads",
    "nav.advocacy": "Advocacy", "nav.sales": "Sales", "nav.me": "Me", "me.title": "My sharing", "me.share": "Make my link",
    "login.title": "Log in to Baton", "login.user": "User", "login.password": "Password", "login.submit": "Log in",
    "login.hint": "The engine printed the admin password when it started.", "login.wrong": "Wrong user or password",
    "filter.campaign": "Campaign", "filter.all": "All", "filter.from": "From", "filter.to": "To", "filter.apply": "Apply",
    "funnel.title": "Funnel", "funnel.step": "Step", "funnel.count": "Count", "funnel.rate": "From previous", "funnel.time": "Median time from previous",
    "funnel.leadsAt": "Leads at this step", "funnel.drill": "Click a step from visit on to see its leads.",
    "funnel.entered": "Entered here",
    "funnel.cohort": "Clicks: the links shared in the period that were clicked. From visits on, each step counts the people who also reached every step before it; those who skipped one are counted as entered here.",
    "problem.activate": "Could not activate", "problem.simulate": "Could not simulate", "problem.save": "Could not save the draft",
    "problem.share": "Could not make the link", "problem.load": "Could not load",
    "rules.discard": "Discard changes", "rules.unsaved": "Unsaved changes in {files}: kept until you save or discard them.",
    "rules.confirmDiscard": "Discard your unsaved changes in {files}?",
    "step.share": "Shares", "step.click": "Clicks", "step.visit": "Visits", "step.form": "Forms", "step.mql": "MQL (warm)",
    "step.sql": "SQL (hot)", "step.accepted": "Accepted", "step.converted": "Converted",
    "journeys.title": "Journeys", "journeys.journey": "Journey", "journeys.version": "Version", "journeys.active": "Leads in it",
    "journeys.incidents": "Incidents", "journeys.exits": "Exits", "journeys.waiting": "Waiting", "journeys.suspended": "suspended",
    "journeys.exitAt": "Left at", "journeys.legend": "Blue: leads waiting there. Red: incidents. Grey: leads that ended there.",
    "rules.title": "Scoring rules", "rules.active": "Active version", "rules.versions": "Versions", "rules.version": "Version",
    "rules.author": "By", "rules.created": "Created", "rules.note": "Note", "rules.editor": "Draft",
    "rules.file": "File", "rules.save": "Check and save draft", "rules.saved": "Saved as version", "rules.errors": "Does not compile",
    "rules.simulate": "Simulate", "rules.activate": "Activate", "rules.rollback": "Roll back to", "rules.confirmActivate": "Activate version {v}? The next event is scored by it.",
    "rules.activated": "Active now: version", "rules.simulation": "Simulation (last 30 days)", "rules.tierMoves": "Tier movements",
    "rules.distribution": "Score distribution", "rules.before": "Before", "rules.after": "After", "rules.topChanges": "Leads changing most",
    "rules.events": "Events replayed", "rules.leads": "Leads", "rules.changing": "Leads changing tier", "rules.audit": "Audit trail",
    "leads.title": "Leads", "leads.search": "Search (email, phone, id, tag, tier)", "leads.go": "Search", "leads.lead": "Lead",
    "leads.score": "Score", "leads.tier": "Tier", "leads.tags": "Tags", "leads.lastSeen": "Last seen", "leads.total": "Found",
    "lead.why": "Why this tier", "lead.parts": "Score explained", "lead.reason": "Reason", "lead.points": "Points", "lead.now": "Worth now",
    "lead.timeline": "Timeline", "lead.journeys": "Journeys", "lead.owner": "Sales owner", "lead.chain": "Brought by", "lead.tierHistory": "Tier history",
    "lead.none": "none", "lead.kept": "Signals waiting for a journey step", "lead.ids": "Known as",
    "advocacy.title": "Advocacy", "advocacy.leaderboard": "Leaderboard", "advocacy.teams": "Teams", "advocacy.employee": "Employee",
    "advocacy.rank": "#", "advocacy.shares": "Shares", "advocacy.clicks": "Clicks", "advocacy.reach": "Reach", "advocacy.depth": "Depth",
    "advocacy.forms": "Forms", "advocacy.leads": "Leads", "advocacy.hot": "Hot leads", "advocacy.conversions": "Conversions", "advocacy.points": "Points",
    "advocacy.members": "Members", "advocacy.engagement": "Engagement of visitors brought", "advocacy.light": "Light",
    "advocacy.medium": "Medium", "advocacy.heavy": "Heavy", "advocacy.excluded": "Excluded clicks", "advocacy.reason": "Reason",
    "advocacy.links": "Links", "advocacy.team": "Team", "advocacy.campaign": "Campaign", "advocacy.sharers": "Employees sharing",
    "sales.title": "Sales", "sales.reps": "Reps", "sales.rep": "Rep", "sales.team": "Team", "sales.open": "Open leads",
    "sales.capacity": "Capacity", "sales.hits": "SLA hits", "sales.misses": "SLA misses", "sales.rate": "Hit rate",
    "sales.overdue": "Overdue tasks", "sales.queue": "Manager queue", "sales.lead": "Lead", "sales.reason": "Why",
    "sales.since": "Since", "sales.away": "out of office"
  },
  zh: {
    "app.title": "Baton", "app.logout": "退出", "app.loading": "加载中…", "app.failed": "加载失败",
    "nav.funnel": "漏斗", "nav.journeys": "旅程", "nav.rules": "规则", "nav.leads": "线索", "nav.advocacy": "全员营销", "nav.sales": "销售", "nav.me": "我的", "me.title": "我的分享", "me.share": "生成我的链接",
    "login.title": "登录 Baton", "login.user": "用户", "login.password": "密码", "login.submit": "登录",
    "login.hint": "管理员密码在引擎启动时打印。", "login.wrong": "用户名或密码错误",
    "filter.campaign": "活动", "filter.all": "全部", "filter.from": "开始", "filter.to": "结束", "filter.apply": "应用",
    "funnel.title": "营销漏斗", "funnel.step": "阶段", "funnel.count": "数量", "funnel.rate": "转化率", "funnel.time": "距上一阶段（中位数）", "funnel.leadsAt": "该阶段的线索",
    "funnel.drill": "点击“访问”及之后的阶段查看线索。", "funnel.entered": "从此进入",
    "funnel.cohort": "点击：本期分享且被点击的链接。从“访问”起，每个阶段只计入也经过了之前所有阶段的人；跳过某一阶段的人计为“从此进入”。",
    "problem.activate": "启用失败", "problem.simulate": "模拟失败", "problem.save": "草稿保存失败", "problem.share": "生成链接失败",
    "problem.load": "加载失败",
    "rules.discard": "放弃修改", "rules.unsaved": "{files} 有未保存的修改：保存或放弃前一直保留。", "rules.confirmDiscard": "放弃 {files} 中未保存的修改？",
    "step.share": "分享", "step.click": "点击", "step.visit": "访问", "step.form": "表单", "step.mql": "MQL（温）", "step.sql": "SQL（热）",
    "step.accepted": "已接受", "step.converted": "已成交",
    "journeys.title": "客户旅程", "journeys.journey": "旅程", "journeys.version": "版本", "journeys.active": "进行中的线索",
    "journeys.incidents": "异常", "journeys.exits": "结束", "journeys.waiting": "等待中", "journeys.suspended": "已暂停",
    "journeys.exitAt": "结束于", "journeys.legend": "蓝色：在此等待的线索；红色：异常；灰色：在此结束的线索。",
    "rules.title": "评分规则", "rules.active": "当前版本", "rules.versions": "版本", "rules.version": "版本", "rules.author": "作者",
    "rules.created": "创建时间", "rules.note": "说明", "rules.editor": "草稿", "rules.file": "文件", "rules.save": "检查并保存草稿",
    "rules.saved": "已保存为版本", "rules.errors": "编译失败", "rules.simulate": "模拟", "rules.activate": "启用", "rules.rollback": "回滚到",
    "rules.confirmActivate": "启用版本 {v}？下一个事件将按它评分。", "rules.activated": "当前启用：版本", "rules.simulation": "模拟（最近 30 天）",
    "rules.tierMoves": "等级变化", "rules.distribution": "分数分布", "rules.before": "之前", "rules.after": "之后",
    "rules.topChanges": "变化最大的线索", "rules.events": "重放事件", "rules.leads": "线索", "rules.changing": "等级变化的线索",
    "rules.audit": "审计记录",
    "leads.title": "线索", "leads.search": "搜索（邮箱、电话、ID、标签、等级）", "leads.go": "搜索", "leads.lead": "线索", "leads.score": "分数",
    "leads.tier": "等级", "leads.tags": "标签", "leads.lastSeen": "最近活动", "leads.total": "找到",
    "lead.why": "为何是此等级", "lead.parts": "分数明细", "lead.reason": "原因", "lead.points": "分数", "lead.now": "当前价值",
    "lead.timeline": "时间线", "lead.journeys": "所在旅程", "lead.owner": "负责销售", "lead.chain": "来源", "lead.tierHistory": "等级历史",
    "lead.none": "无", "lead.kept": "等待旅程步骤的信号", "lead.ids": "身份标识",
    "advocacy.title": "全员营销", "advocacy.leaderboard": "排行榜", "advocacy.teams": "团队", "advocacy.employee": "员工",
    "advocacy.rank": "名次", "advocacy.shares": "分享", "advocacy.clicks": "点击", "advocacy.reach": "触达", "advocacy.depth": "层级",
    "advocacy.forms": "表单", "advocacy.leads": "线索", "advocacy.hot": "热线索", "advocacy.conversions": "成交", "advocacy.points": "积分", "advocacy.members": "成员",
    "advocacy.engagement": "带来访客的活跃度", "advocacy.light": "轻度", "advocacy.medium": "中度", "advocacy.heavy": "重度",
    "advocacy.excluded": "已排除的点击", "advocacy.reason": "原因", "advocacy.links": "链接", "advocacy.team": "团队", "advocacy.campaign": "活动", "advocacy.sharers": "参与分享的员工",
    "sales.title": "销售", "sales.reps": "销售代表", "sales.rep": "销售", "sales.team": "团队", "sales.open": "未结线索",
    "sales.capacity": "容量", "sales.hits": "SLA 达成", "sales.misses": "SLA 超时", "sales.rate": "达成率", "sales.overdue": "逾期任务",
    "sales.queue": "经理待分配", "sales.lead": "线索", "sales.reason": "原因", "sales.since": "时间", "sales.away": "休假中"
  }
};

let language = localStorage.getItem("baton.lang") || ((navigator.language || "en").startsWith("zh") ? "zh" : "en");

export function lang() {
  return language;
}

export function setLang(next) {
  language = next;
  localStorage.setItem("baton.lang", next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
}

export function t(key, values = {}) {
  const text = messages[language][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

/** Translates every element with data-i18n under root. */
export function translate(root = document) {
  root.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = t(el.dataset.i18n); });
}
