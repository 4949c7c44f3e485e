"""Writes Baton's journey BPMN files with their diagrams (so they open laid out in Camunda Modeler).

Run from the repository root: python3 processes/tools/bpmn.py. The .bpmn files it writes are
committed; edit them in Camunda Modeler from then on, or change this script and re-run it.
"""
import os
from xml.sax.saxutils import escape

OUT = "processes/src/main/resources/dev/baton/processes"
SIZE = {"start": (36, 36), "end": (36, 36), "catch": (36, 36), "timer": (36, 36), "gateway": (50, 50),
        "xor": (50, 50), "task": (100, 80), "user": (100, 80), "call": (100, 80),
        "receive": (100, 80)}


class Journey:
    def __init__(self, pid, name, doc, reentry=None):
        self.pid, self.name, self.doc, self.reentry = pid, name, doc, reentry
        self.nodes, self.flows, self.messages, self.subs, self.boundaries = [], [], {}, [], []

    def message(self, name):
        mid = "Message_" + "".join(ch for ch in name.title() if ch.isalnum())
        self.messages[mid] = name
        return mid

    def node(self, nid, kind, name, x, y, sub=None, **attrs):
        self.nodes.append(dict(id=nid, kind=kind, name=name, x=x, y=y, sub=sub, **attrs))
        return nid

    def flow(self, source, target, name=None, condition=None, sub=None):
        fid = "Flow_" + source + "_" + target
        self.flows.append(dict(id=fid, source=source, target=target, name=name, condition=condition, sub=sub))
        return fid

    def subprocess(self, sid, name, x, y, w, h):
        self.subs.append(dict(id=sid, name=name, x=x, y=y, w=w, h=h))
        return sid

    def boundary_timer(self, bid, name, attached, duration=None, interrupting=True, date=None):
        """A timer on a task: after an ISO duration, or at a date (an expression such as ${slaDue})."""
        self.boundaries.append(dict(id=bid, name=name, attached=attached, duration=duration, date=date,
                                    interrupting=interrupting))
        return bid

    # --- XML -------------------------------------------------------------------------------
    def _incoming_outgoing(self, nid, sub):
        lines = []
        for f in self.flows:
            if f["target"] == nid:
                lines.append(f'<bpmn:incoming>{f["id"]}</bpmn:incoming>')
        for f in self.flows:
            if f["source"] == nid:
                lines.append(f'<bpmn:outgoing>{f["id"]}</bpmn:outgoing>')
        return "".join(lines)

    def _node_xml(self, n):
        io = self._incoming_outgoing(n["id"], n["sub"])
        name = escape(n["name"] or "", {'"': "&quot;"})
        k = n["kind"]
        if k == "start":
            inner = ""
            if n.get("message"):
                inner = f'<bpmn:messageEventDefinition messageRef="{self.message(n["message"])}" />'
            attr = ' isInterrupting="true"' if n["sub"] else ""
            return f'<bpmn:startEvent id="{n["id"]}" name="{name}"{attr}>{io}{inner}</bpmn:startEvent>'
        if k == "end":
            listener = ""
            if n.get("sets"):
                var, value = n["sets"]
                listener = (f'<bpmn:extensionElements><camunda:executionListener event="start" '
                            f'expression="${{execution.setVariable(\'{var}\', {value})}}" /></bpmn:extensionElements>')
            return f'<bpmn:endEvent id="{n["id"]}" name="{name}">{listener}{io}</bpmn:endEvent>'
        if k == "receive":
            return (f'<bpmn:receiveTask id="{n["id"]}" name="{name}" messageRef="{self.message(n["message"])}">'
                    f'{io}</bpmn:receiveTask>')
        if k == "catch":
            return (f'<bpmn:intermediateCatchEvent id="{n["id"]}" name="{name}">{io}'
                    f'<bpmn:messageEventDefinition messageRef="{self.message(n["message"])}" /></bpmn:intermediateCatchEvent>')
        if k == "timer":
            return (f'<bpmn:intermediateCatchEvent id="{n["id"]}" name="{name}">{io}<bpmn:timerEventDefinition>'
                    f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{n["duration"]}</bpmn:timeDuration>'
                    f'</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
        if k == "gateway":
            return f'<bpmn:eventBasedGateway id="{n["id"]}" name="{name}">{io}</bpmn:eventBasedGateway>'
        if k == "xor":
            default = f' default="{n["default"]}"' if n.get("default") else ""
            return f'<bpmn:exclusiveGateway id="{n["id"]}" name="{name}"{default}>{io}</bpmn:exclusiveGateway>'
        if k == "task":
            inputs = "".join(f'<camunda:inputParameter name="{key}">{escape(value)}</camunda:inputParameter>'
                             for key, value in n.get("inputs", {}).items())
            ext = f'<bpmn:extensionElements><camunda:inputOutput>{inputs}</camunda:inputOutput></bpmn:extensionElements>' if inputs else ""
            return (f'<bpmn:serviceTask id="{n["id"]}" name="{name}" camunda:type="external" camunda:topic="{n["topic"]}">'
                    f'{ext}{io}</bpmn:serviceTask>')
        if k == "user":
            due = f' camunda:dueDate="{n["due"]}"' if n.get("due") else ""
            assignee = f' camunda:assignee="{n["assignee"]}"' if n.get("assignee") else ""
            doc = f'<bpmn:documentation>{escape(n["doc"])}</bpmn:documentation>' if n.get("doc") else ""
            return (f'<bpmn:userTask id="{n["id"]}" name="{name}"{assignee} camunda:candidateGroups="{n["groups"]}"{due}>'
                    f'{doc}{io}</bpmn:userTask>')
        if k == "call":
            return (f'<bpmn:callActivity id="{n["id"]}" name="{name}" calledElement="{n["called"]}">'
                    f'<bpmn:extensionElements><camunda:in businessKey="#{{execution.processBusinessKey}}" />'
                    f'<camunda:in variables="all" /><camunda:out variables="all" /></bpmn:extensionElements>'
                    f'{io}</bpmn:callActivity>')
        raise ValueError(k)

    def _flow_xml(self, f):
        name = f' name="{escape(f["name"], {chr(34): "&quot;"})}"' if f["name"] else ""
        cond = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(f["condition"])}</bpmn:conditionExpression>'
                if f["condition"] else "")
        return f'<bpmn:sequenceFlow id="{f["id"]}"{name} sourceRef="{f["source"]}" targetRef="{f["target"]}">{cond}</bpmn:sequenceFlow>'

    def _boundary_xml(self, b):
        out = "".join(f'<bpmn:outgoing>{f["id"]}</bpmn:outgoing>' for f in self.flows if f["source"] == b["id"])
        cancel = "" if b["interrupting"] else ' cancelActivity="false"'
        kind, value = ("timeDate", b["date"]) if b.get("date") else ("timeDuration", b["duration"])
        return (f'<bpmn:boundaryEvent id="{b["id"]}" name="{escape(b["name"])}" attachedToRef="{b["attached"]}"{cancel}>{out}'
                f'<bpmn:timerEventDefinition><bpmn:{kind} xsi:type="bpmn:tFormalExpression">{value}'
                f'</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>')

    def _center(self, nid):
        for n in self.nodes:
            if n["id"] == nid:
                w, h = SIZE[n["kind"]]
                return n["x"] + w / 2, n["y"] + h / 2, n
        for b in self.boundaries:
            if b["id"] == nid:
                x, y, w, h = self._bounds(b)
                return x + w / 2, y + h / 2, b
        raise KeyError(nid)

    def _bounds(self, item):
        if "attached" in item:
            cx, cy, host = self._center(item["attached"])
            return host["x"] + 62, host["y"] + 62, 36, 36
        w, h = SIZE[item["kind"]]
        return item["x"], item["y"], w, h

    def _edge(self, f):
        sx, sy, s = self._center(f["source"])
        tx, ty, t = self._center(f["target"])
        sw = self._bounds(s)[2] / 2
        tw = self._bounds(t)[2] / 2
        sh = self._bounds(s)[3] / 2
        th = self._bounds(t)[3] / 2
        if abs(sy - ty) < 1:
            pts = [(sx + sw, sy), (tx - tw, ty)] if tx > sx else [(sx - sw, sy), (tx + tw, ty)]
        elif tx > sx + sw:
            start = (sx, sy + sh) if ty > sy else (sx, sy - sh)
            pts = [start, (sx, ty), (tx - tw, ty)]
        else:
            pts = [(sx, sy + sh if ty > sy else sy - sh), (sx, ty - th if ty > sy else ty + th)] if abs(sx - tx) < 1 else \
                [(sx, sy + sh if ty > sy else sy - sh), (sx, (sy + ty) / 2), (tx, (sy + ty) / 2), (tx, ty - th if ty > sy else ty + th)]
        return "".join(f'<di:waypoint x="{round(x)}" y="{round(y)}" />' for x, y in pts)

    def write(self):
        body = []
        for n in self.nodes:
            if not n["sub"]:
                body.append(self._node_xml(n))
        for b in self.boundaries:
            body.append(self._boundary_xml(b))
        for f in self.flows:
            if not f["sub"]:
                body.append(self._flow_xml(f))
        for s in self.subs:
            inner = [self._node_xml(n) for n in self.nodes if n["sub"] == s["id"]]
            inner += [self._flow_xml(f) for f in self.flows if f["sub"] == s["id"]]
            body.append(f'<bpmn:subProcess id="{s["id"]}" name="{escape(s["name"])}" triggeredByEvent="true">{"".join(inner)}</bpmn:subProcess>')
        shapes = []
        for s in self.subs:
            shapes.append(f'<bpmndi:BPMNShape id="{s["id"]}_di" bpmnElement="{s["id"]}" isExpanded="true">'
                          f'<dc:Bounds x="{s["x"]}" y="{s["y"]}" width="{s["w"]}" height="{s["h"]}" /></bpmndi:BPMNShape>')
        for n in self.nodes:
            x, y, w, h = self._bounds(n)
            marker = ' isMarkerVisible="true"' if n["kind"] == "xor" else ""
            label = ""
            if n["kind"] in ("start", "end", "catch", "timer", "gateway", "xor") and n["name"]:
                label = f'<bpmndi:BPMNLabel><dc:Bounds x="{x - 22}" y="{y + h + 6}" width="{w + 44}" height="27" /></bpmndi:BPMNLabel>'
            shapes.append(f'<bpmndi:BPMNShape id="{n["id"]}_di" bpmnElement="{n["id"]}"{marker}>'
                          f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" />{label}</bpmndi:BPMNShape>')
        for b in self.boundaries:
            x, y, w, h = self._bounds(b)
            shapes.append(f'<bpmndi:BPMNShape id="{b["id"]}_di" bpmnElement="{b["id"]}">'
                          f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>')
        for f in self.flows:
            shapes.append(f'<bpmndi:BPMNEdge id="{f["id"]}_di" bpmnElement="{f["id"]}">{self._edge(f)}</bpmndi:BPMNEdge>')
        props = ""
        if self.reentry:
            props = (f'<bpmn:extensionElements><camunda:properties><camunda:property name="reentry" value="{self.reentry}" />'
                     f'</camunda:properties></bpmn:extensionElements>')
        messages = "".join(f'<bpmn:message id="{mid}" name="{escape(name)}" />' for mid, name in self.messages.items())
        xml = f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_{self.pid}" targetNamespace="https://baton.dev/journeys" exporter="Baton journey library" exporterVersion="0.1.0">
<bpmn:process id="{self.pid}" name="{escape(self.name)}" isExecutable="true" camunda:historyTimeToLive="180">
<bpmn:documentation>{escape(self.doc)}</bpmn:documentation>
{props}
{chr(10).join(body)}
</bpmn:process>
{messages}
<bpmndi:BPMNDiagram id="Diagram_{self.pid}"><bpmndi:BPMNPlane id="Plane_{self.pid}" bpmnElement="{self.pid}">
{chr(10).join(shapes)}
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
'''
        # messages must come before the process for some tools: move them up
        xml = xml.replace(f'<bpmn:process id="{self.pid}"', messages + f'\n<bpmn:process id="{self.pid}"', 1)
        xml = xml.replace(f'</bpmn:process>\n{messages}\n', '</bpmn:process>\n', 1)
        name = self.pid.replace("baton-", "") + ".bpmn"
        with open(os.path.join(OUT, name), "w") as f:
            f.write(xml)


def share_to_lead():
    j = Journey("baton-share-to-lead", "Share to lead",
                "A share click starts (or a form submission joins) a visitor's journey; the form identifies the lead; "
                "a welcome email goes out; the lead enters nurture. Once per lead.", reentry="never")
    j.node("ShareClicked", "start", "Share clicked", 152, 182, message="Share Clicked")
    j.node("WaitForForm", "gateway", "Form within 30 days?", 245, 175)
    j.node("FormSubmitted", "catch", "Form submitted", 352, 182, message="Form Submitted")
    j.node("NoForm", "timer", "30 days", 352, 292, duration="P30D")
    j.node("NeverIdentified", "end", "Never identified", 452, 292)
    j.node("FormFirst", "start", "Form submitted (no share)", 352, 72, message="Form Submitted")
    # The answer to the lead's own form: goes out at once, outside quiet hours and the frequency cap.
    j.node("SendWelcome", "task", "Send email: welcome", 450, 160, topic="send-email",
           inputs={"template": "welcome", "transactional": "true"})
    j.node("Nurture", "call", "Nurture", 610, 160, called="baton-nurture")
    j.node("Nurtured", "end", "Nurtured", 772, 182)
    j.flow("ShareClicked", "WaitForForm")
    j.flow("WaitForForm", "FormSubmitted")
    j.flow("WaitForForm", "NoForm")
    j.flow("NoForm", "NeverIdentified")
    j.flow("FormSubmitted", "SendWelcome")
    j.flow("FormFirst", "SendWelcome")
    j.flow("SendWelcome", "Nurture")
    j.flow("Nurture", "Nurtured")
    j.write()


def nurture():
    j = Journey("baton-nurture", "Nurture",
                "Emails and an SMS with waits, branching on what the lead does; ends when the lead turns hot (to sales handoff), "
                "unsubscribes, or has seen the whole sequence. Started by other journeys (call activity).")
    j.node("Start", "start", "Enter nurture", 152, 182)
    j.node("AlreadyHot", "xor", "Hot already?", 215, 175, default="Flow_AlreadyHot_FirstWait")
    # Back from sales (rejected): not straight back to sales; a new "turned hot" will.
    hot = "${execution.getVariable('tier') == 'hot' && execution.getVariable('salesOutcome') != 'rejected'}"
    rejected = "${execution.getVariable('salesOutcome') == 'rejected'}"
    j.node("HandoffNow", "call", "Sales handoff", 190, 40, called="baton-sales-handoff")
    j.node("RejectedAtOnce", "xor", "Rejected by sales?", 345, 55, default="Flow_RejectedAtOnce_HandedOffAtOnce")
    j.node("HandedOffAtOnce", "end", "Handed to sales", 452, 62)
    j.node("RenurtureAtOnce", "call", "Nurture again", 430, -60, called="baton-nurture")
    j.node("RenurturedAtOnce", "end", "Back in nurture", 582, -38)
    # A marketer lets the welcome land before the first marketing email; a hot lead does not wait.
    j.node("FirstWait", "timer", "1 day", 312, 182, duration="P1D")
    j.node("SendCaseStudy", "task", "Send email: case-study", 400, 160, topic="send-email", inputs={"template": "case-study"})
    j.node("Reaction", "gateway", "Clicked within 3 days?", 555, 175)
    j.node("Clicked", "catch", "Email clicked", 662, 182, message="Email Clicked")
    j.node("NoClick", "timer", "3 days", 662, 292, duration="P3D")
    j.node("SendWebinar", "task", "Send email: webinar-invite", 760, 160, topic="send-email", inputs={"template": "webinar-invite"})
    j.node("SendReminder", "task", "Send email: case-study-reminder", 760, 270, topic="send-email",
           inputs={"template": "case-study-reminder"})
    j.node("SendSms", "task", "Send SMS: webinar-reminder", 910, 160, topic="send-sms", inputs={"template": "webinar-reminder"})
    j.node("Settle", "timer", "7 days", 1072, 182, duration="P7D")
    j.node("Finished", "end", "Sequence finished", 1162, 182)
    j.flow("Start", "AlreadyHot")
    j.flow("AlreadyHot", "FirstWait")
    j.flow("FirstWait", "SendCaseStudy")
    j.flow("AlreadyHot", "HandoffNow", name="hot", condition=hot)
    j.flow("HandoffNow", "RejectedAtOnce")
    j.flow("RejectedAtOnce", "HandedOffAtOnce")
    j.flow("RejectedAtOnce", "RenurtureAtOnce", name="rejected", condition=rejected)
    j.flow("RenurtureAtOnce", "RenurturedAtOnce")
    j.flow("SendCaseStudy", "Reaction")
    j.flow("Reaction", "Clicked")
    j.flow("Reaction", "NoClick")
    j.flow("Clicked", "SendWebinar")
    j.flow("NoClick", "SendReminder")
    j.flow("SendWebinar", "SendSms")
    j.flow("SendSms", "Settle")
    j.flow("SendReminder", "Settle")
    j.flow("Settle", "Finished")
    j.subprocess("TurnedHot", "Lead turned hot", 160, 400, 560, 260)
    j.node("HotStart", "start", "Tier changed to hot", 192, 452, sub="TurnedHot", message="Tier Changed to hot")
    j.node("Handoff", "call", "Sales handoff", 270, 430, sub="TurnedHot", called="baton-sales-handoff")
    j.node("Rejected", "xor", "Rejected by sales?", 420, 445, sub="TurnedHot", default="Flow_Rejected_HandedOff")
    j.node("HandedOff", "end", "Handed to sales", 542, 452, sub="TurnedHot")
    j.node("Renurture", "call", "Nurture again", 510, 540, sub="TurnedHot", called="baton-nurture")
    j.node("Renurtured", "end", "Back in nurture", 652, 562, sub="TurnedHot")
    j.flow("HotStart", "Handoff", sub="TurnedHot")
    j.flow("Handoff", "Rejected", sub="TurnedHot")
    j.flow("Rejected", "HandedOff", sub="TurnedHot")
    j.flow("Rejected", "Renurture", name="rejected", condition=rejected, sub="TurnedHot")
    j.flow("Renurture", "Renurtured", sub="TurnedHot")
    j.subprocess("Unsubscribed", "Lead unsubscribed", 760, 400, 260, 140)
    j.node("UnsubscribedStart", "start", "Unsubscribed", 802, 452, sub="Unsubscribed", message="Unsubscribed")
    j.node("Stopped", "end", "Stopped", 942, 452, sub="Unsubscribed")
    j.flow("UnsubscribedStart", "Stopped", sub="Unsubscribed")
    j.write()


def sales_handoff():
    j = Journey("baton-sales-handoff", "Sales handoff",
                "A hot lead goes to the right rep at once (assignment chain), with a CRM task, a Tasklist task and a "
                "notification; the rep accepts, converts or rejects within the SLA (working time per tier), or the lead "
                "goes to the next rep and the manager hears of it; no rep: the manager queue. Called by any journey; "
                "returns salesOutcome (accepted, converted, rejected).")
    j.node("Start", "start", "Hot lead", 152, 182)
    j.node("Assign", "task", "Assign a rep", 230, 160, topic="assign-sales-rep")
    j.node("RepFound", "xor", "Rep found?", 385, 175, default="Flow_RepFound_QueueTask")
    j.node("CreateTask", "task", "Create the sales task in the CRM", 480, 160, topic="create-sales-task",
           inputs={"template": "hot-lead"})
    j.node("NotifyRep", "task", "Notify the rep", 630, 160, topic="notify-sales",
           inputs={"template": "lead-assigned", "to": "rep"})
    j.node("Accept", "user", "Accept the hot lead", 780, 160, groups="sales", assignee="${rep}", due="${slaDue}",
           doc="Complete with outcome = accepted, converted or rejected (and reason); or answer through "
               "POST /api/sales/leads/{lead}/outcome or the CRM webhook.")
    j.boundary_timer("SlaPassed", "SLA passed", "Accept", date="${slaDue}")
    j.node("Reassign", "task", "Reassign to the next rep", 780, 300, topic="assign-sales-rep",
           inputs={"reassign": "true"})
    j.node("NotifyManager", "task", "Tell the manager", 630, 300, topic="notify-sales",
           inputs={"template": "sla-missed", "to": "manager"})
    j.node("RecordOutcome", "task", "Record the outcome", 930, 160, topic="sales-outcome")
    j.node("OutcomeIs", "xor", "Outcome?", 1085, 175, default="Flow_OutcomeIs_AwaitResult")
    j.node("AwaitResult", "gateway", "Converted or rejected?", 1185, 175)
    j.node("ConvertedLater", "catch", "Sales converted", 1292, 182, message="Sales Converted")
    j.node("RejectedLater", "catch", "Sales rejected", 1292, 292, message="Sales Rejected")
    j.node("NoNews", "timer", "90 days", 1292, 72, duration="P90D")
    j.node("Converted", "end", "Converted", 1402, 182, sets=("salesOutcome", "'converted'"))
    j.node("RejectedEnd", "end", "Rejected: back to nurture", 1402, 292, sets=("salesOutcome", "'rejected'"))
    j.node("StillOpen", "end", "Still open", 1402, 72, sets=("salesOutcome", "'accepted'"))
    j.node("QueueTask", "task", "Create the sales task for the managers", 480, 440, topic="create-sales-task",
           inputs={"template": "hot-lead"})
    j.node("NotifyQueue", "task", "Tell the managers", 630, 440, topic="notify-sales",
           inputs={"template": "lead-queued", "to": "manager"})
    j.node("ManagerAssigns", "user", "Assign the queued lead", 780, 440, groups="sales-managers",
           doc="Complete with chosenRep = a rep id, or assign through POST /api/sales/queue/{lead}/assign.")
    j.flow("Start", "Assign")
    j.flow("Assign", "RepFound")
    j.flow("RepFound", "CreateTask", name="rep", condition="${execution.getVariable('rep') != null}")
    j.flow("RepFound", "QueueTask")
    j.flow("CreateTask", "NotifyRep")
    j.flow("NotifyRep", "Accept")
    j.flow("SlaPassed", "Reassign")
    j.flow("Reassign", "NotifyManager")
    j.flow("NotifyManager", "RepFound")
    j.flow("Accept", "RecordOutcome")
    j.flow("RecordOutcome", "OutcomeIs")
    j.flow("OutcomeIs", "Converted", name="converted", condition="${salesOutcome == 'converted'}")
    j.flow("OutcomeIs", "RejectedEnd", name="rejected", condition="${salesOutcome == 'rejected'}")
    j.flow("OutcomeIs", "AwaitResult")
    j.flow("AwaitResult", "ConvertedLater")
    j.flow("AwaitResult", "RejectedLater")
    j.flow("AwaitResult", "NoNews")
    j.flow("ConvertedLater", "Converted")
    j.flow("RejectedLater", "RejectedEnd")
    j.flow("NoNews", "StillOpen")
    j.flow("QueueTask", "NotifyQueue")
    j.flow("NotifyQueue", "ManagerAssigns")
    j.flow("ManagerAssigns", "Assign")
    j.write()


def wait_for_event():
    j = Journey("baton-wait-for-event", "Wait for event X up to N days",
                "Reusable step: call it (element template 'Baton: wait for event') with the variables event (an event "
                "name, e.g. Email Clicked) and within (an ISO duration, e.g. P3D); it returns eventHappened = true "
                "when the lead did it in time, false when the time ran out.")
    j.node("Start", "start", "Wait", 152, 182)
    j.node("WaitForEvent", "receive", "Wait for the event", 240, 160, message="${event}")
    j.node("Happened", "end", "It happened", 402, 182, sets=("eventHappened", "true"))
    j.node("TimedOut", "end", "Time ran out", 402, 302, sets=("eventHappened", "false"))
    j.boundary_timer("Within", "within", "WaitForEvent", "${within}")
    j.flow("Start", "WaitForEvent")
    j.flow("WaitForEvent", "Happened")
    j.flow("Within", "TimedOut")
    j.write()


if __name__ == "__main__":
    wait_for_event()
    share_to_lead()
    nurture()
    sales_handoff()
