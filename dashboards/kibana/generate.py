"""Writes Baton's Kibana saved objects (funnel and advocacy views over Baton's indices).

Run from the repository root: python3 dashboards/kibana/generate.py. The .ndjson files are
committed; docker compose imports them into Kibana at start (saved objects import API), and
KibanaSavedObjectsTest checks every field they name exists in Baton's index mappings.
"""
import json
import os

OUT = "dashboards/kibana"
EVENTS, CLICKS, LEADS = "baton-events", "baton-share-clicks", "baton-leads"


def index_pattern(pid, title, time_field):
    return {"type": "index-pattern", "id": pid, "attributes": {"title": title, "timeFieldName": time_field},
            "references": [], "coreMigrationVersion": "8.8.0"}


def vis(vid, title, vis_type, index, aggs, params=None, query=""):
    state = {"title": title, "type": vis_type, "params": params or {}, "aggs": aggs}
    search = {"query": {"query": query, "language": "kuery"}, "filter": [],
              "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"}
    return {"type": "visualization", "id": vid,
            "attributes": {"title": title, "visState": json.dumps(state), "uiStateJSON": "{}", "description": "",
                           "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(search)}},
            "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": index}],
            "coreMigrationVersion": "8.8.0"}


def agg(aid, kind, schema, **params):
    return {"id": aid, "enabled": True, "type": kind, "schema": schema, "params": params}


def dashboard(did, title, panels):
    panels_json, refs = [], []
    for i, vid in enumerate(panels):
        ref = f"panel_{i}"
        panels_json.append({"panelIndex": str(i), "gridData": {"x": (i % 2) * 24, "y": (i // 2) * 15, "w": 24, "h": 15,
                                                                "i": str(i)}, "embeddableConfig": {}, "panelRefName": ref})
        refs.append({"name": ref, "type": "visualization", "id": vid})
    return {"type": "dashboard", "id": did,
            "attributes": {"title": title, "panelsJSON": json.dumps(panels_json), "optionsJSON": json.dumps({"useMargins": True}),
                           "timeRestore": False, "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(
                               {"query": {"query": "", "language": "kuery"}, "filter": []})}},
            "references": refs, "coreMigrationVersion": "8.8.0"}


def funnel():
    steps = [("Visits", 'event : "Page Viewed"'), ("Forms", 'event : "Form Submitted"'),
             ("MQL (warm)", 'event : "Tier Changed" and properties.to : ("warm" or "hot")'),
             ("SQL (hot)", 'event : "Tier Changed" and properties.to : "hot"'),
             ("Accepted", 'event : "Sales Accepted"'), ("Converted", 'event : "Sales Converted"')]
    filters = [{"input": {"query": q, "language": "kuery"}, "label": label} for label, q in steps]
    return [
        index_pattern(EVENTS, "baton-events-*", "timestamp"),
        index_pattern(LEADS, "baton-leads", "lastSeen"),
        vis("baton-funnel-people", "Baton funnel: people per step", "histogram", EVENTS,
            [agg("1", "cardinality", "metric", field="leadId"), agg("2", "filters", "segment", filters=filters)]),
        vis("baton-funnel-events-over-time", "Baton funnel: events over time", "line", EVENTS,
            [agg("1", "count", "metric"), agg("2", "date_histogram", "segment", field="timestamp", interval="auto"),
             agg("3", "terms", "group", field="event", size=8, order="desc", orderBy="1")]),
        vis("baton-leads-by-tier", "Baton leads by tier", "pie", LEADS,
            [agg("1", "count", "metric"), agg("2", "terms", "segment", field="tier", size=5, order="desc", orderBy="1")],
            query="not mergedInto : *"),
        dashboard("baton-funnel", "Baton funnel",
                  ["baton-funnel-people", "baton-funnel-events-over-time", "baton-leads-by-tier"]),
    ]


def advocacy():
    return [
        index_pattern(CLICKS, "baton-share-clicks", "at"),
        vis("baton-advocacy-reach", "Baton advocacy: reach per employee", "table", CLICKS,
            [agg("1", "cardinality", "metric", field="visitor"), agg("2", "terms", "bucket", field="rootEmployee", size=20,
                                                                        order="desc", orderBy="1")],
            query="counted : true"),
        vis("baton-advocacy-teams", "Baton advocacy: reach per team", "histogram", CLICKS,
            [agg("1", "cardinality", "metric", field="visitor"), agg("2", "terms", "segment", field="rootTeam", size=20,
                                                                        order="desc", orderBy="1")],
            query="counted : true"),
        vis("baton-advocacy-excluded", "Baton advocacy: excluded clicks by reason", "pie", CLICKS,
            [agg("1", "count", "metric"), agg("2", "terms", "segment", field="excluded", size=5, order="desc", orderBy="1")],
            query="excluded : *"),
        vis("baton-advocacy-depth", "Baton advocacy: clicks by chain depth", "histogram", CLICKS,
            [agg("1", "count", "metric"), agg("2", "terms", "segment", field="depth", size=10, order="asc", orderBy="_key")],
            query="counted : true"),
        dashboard("baton-advocacy", "Baton advocacy",
                  ["baton-advocacy-reach", "baton-advocacy-teams", "baton-advocacy-excluded", "baton-advocacy-depth"]),
    ]


def write(name, objects):
    with open(os.path.join(OUT, name), "w") as f:
        for o in objects:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write("funnel.ndjson", funnel())
    write("advocacy.ndjson", advocacy())
