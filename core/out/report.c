/* report: --report FILE.html, one self-contained page about a scan.
 *
 * Hits are spooled to an unnamed temporary file as they arrive (memory
 * stays flat however many there are) and copied into the page at the end,
 * as a JSON array inside a <script>: strings are escaped for that place
 * (<, > and & as \u00XX), so no page content can close the script. The
 * page fetches nothing: styles, code and charts (SVG drawn by the page's
 * own code) are all inline.
 */
#include "out/report.h"
#include "out/summary.h"

#include "base/buf.h"
#include "base/codes.h"
#include "base/msg.h"
#include "out/stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_MAX_ROWS 100000
#define MAX_CLASSES 32

struct report {
    char *path;
    FILE *spool, *failed;         /* hits; failed probes */
    unsigned long long rows, dropped, nfailed, failed_dropped;
    struct {
        char name[24];
        unsigned long long n;
    } classes[MAX_CLASSES];
    size_t nclasses;
};

struct report *report_open(const char *path, char *err, size_t errlen)
{
    /* Fail now, before the scan, if the page cannot be written. */
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "report %s: %s", path, strerror(errno));
        return NULL;
    }
    fclose(f);
    struct report *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path)) || !(r->spool = tmpfile()) || !(r->failed = tmpfile())) {
        snprintf(err, errlen, "report %s: %s", path, strerror(errno ? errno : ENOMEM));
        if (r) {
            free(r->path);
            if (r->spool)
                fclose(r->spool);
        }
        free(r);
        return NULL;
    }
    return r;
}

static void count_class(struct report *r, int kind)
{
    const char *name = codes_class_name(codes_class(kind));
    for (size_t i = 0; i < r->nclasses; i++)
        if (!strcmp(r->classes[i].name, name)) {
            r->classes[i].n++;
            return;
        }
    if (r->nclasses < MAX_CLASSES) {
        snprintf(r->classes[r->nclasses].name, sizeof r->classes[0].name, "%s", name);
        r->classes[r->nclasses++].n = 1;
    }
}

/* A failed probe: [class, url, error], at most REPORT_MAX_ROWS of them. */
static void failed_row(struct report *r, const struct result *res)
{
    if (r->nfailed >= REPORT_MAX_ROWS) {
        r->failed_dropped++;
        return;
    }
    struct buf b = {0};
    const char *cls = codes_class_name(codes_class(res->kind));
    buf_append_str(&b, r->nfailed ? ",\n[" : "[");
    buf_json_str(&b, cls, strlen(cls), 1);
    buf_append_byte(&b, ',');
    buf_json_str(&b, res->url ? res->url : "", res->url ? strlen(res->url) : 0, 1);
    buf_append_byte(&b, ',');
    buf_json_str(&b, res->error ? res->error : "", res->error ? strlen(res->error) : 0, 1);
    buf_append_byte(&b, ']');
    if (b.p && fwrite(b.p, 1, b.len, r->failed) == b.len)
        r->nfailed++;
    buf_free(&b);
}

void report_result(struct report *r, const struct result *res)
{
    if (res->verdict == V_ERROR) {
        count_class(r, res->kind);
        failed_row(r, res);
        return;
    }
    if (res->verdict != V_HIT)
        return;
    if (r->rows >= REPORT_MAX_ROWS) {
        r->dropped++;
        return;
    }
    struct buf b = {0};
    buf_append_str(&b, r->rows ? ",\n[" : "[");
    buf_json_str(&b, res->url, strlen(res->url), 1);
    buf_printf(&b, ",%d,%llu,%llu,%llu,", res->status, (unsigned long long)res->length,
               (unsigned long long)res->words, (unsigned long long)res->lines);
    const char *t = res->title ? res->title : "", *l = res->location ? res->location : "";
    buf_json_str(&b, t, strlen(t), 1);
    buf_append_byte(&b, ',');
    buf_json_str(&b, l, strlen(l), 1);
    buf_printf(&b, ",%.3f,", res->elapsed * 1000);
    buf_json_str(&b, res->ip ? res->ip : "", res->ip ? strlen(res->ip) : 0, 1);
    buf_append_byte(&b, ',');
    buf_json_str(&b, res->charset, strlen(res->charset), 1);
    buf_append_byte(&b, ',');
    /* Fields as one "k=v; k=v" cell. */
    struct buf fields = {0};
    for (size_t i = 0; i < res->nfields; i++)
        buf_printf(&fields, "%s%s=%s", i ? "; " : "", res->fields[2 * i],
                   msg_field_text(res->fields[2 * i + 1]));
    buf_json_str(&b, fields.p ? fields.p : "", fields.len, 1);
    buf_append_byte(&b, ',');
    buf_json_str(&b, res->stored ? res->stored : "", res->stored ? strlen(res->stored) : 0, 1);
    /* --recursion: the directory level, and the URL that showed it */
    buf_printf(&b, ",%u,", (unsigned)res->depth);
    buf_json_str(&b, res->parent ? res->parent : "", res->parent ? strlen(res->parent) : 0, 1);
    buf_append_str(&b, "]");
    buf_free(&fields);
    if (fwrite(b.p, 1, b.len, r->spool) == b.len)
        r->rows++;
    buf_free(&b);
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>salvo report</title>\n<style>\n"
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}\n"
    "h1{font-size:20px}h2{font-size:16px;margin-top:28px}\n"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n"
    "th{background:#f3f3f3;cursor:pointer;user-select:none}th.sorted{background:#dde}\n"
    "#hits td:nth-child(2),#hits td:nth-child(3),#hits td:nth-child(4),#hits td:nth-child(5),"
    "#hits td:nth-child(8){text-align:right}.bar{cursor:pointer}\n"
    "pre{background:#f7f7f7;padding:8px;max-height:240px;overflow:auto}\n"
    ".kv td:first-child{font-weight:bold}.bar{fill:#4a7bd0}.axis{font-size:11px;fill:#555}\n"
    "</style></head><body>\n<h1>salvo report</h1>\n"
    "<table class=\"kv\" id=\"summary\"></table>\n"
    "<h2>Hits</h2>\n<p><input id=\"filter\" placeholder=\"filter hits\" size=\"40\"> "
    "<select id=\"status-filter\"><option value=\"\">every status</option></select> "
    "<span id=\"count\"></span></p>\n"
    "<table id=\"hits\"><thead><tr><th>url</th><th>status</th><th>length</th><th>words</th>"
    "<th>lines</th><th>title</th><th>redirect</th><th>ms</th><th>ip</th><th>charset</th>"
    "<th>fields</th><th>stored</th><th>depth</th><th>parent</th></tr></thead><tbody></tbody></table>\n"
    "<h2>Status histogram</h2>\n<p>(a bar filters the hits by its status)</p>\n"
    "<svg id=\"status\" width=\"640\" height=\"200\"></svg>\n"
    "<h2>Response sizes</h2>\n<svg id=\"sizes\" width=\"640\" height=\"200\"></svg>\n"
    "<h2>Errors by class</h2>\n<table class=\"kv\" id=\"errors\"></table>\n"
    "<h2>Failed probes</h2>\n<p><select id=\"class-filter\"><option value=\"\">every class"
    "</option></select> <span id=\"fcount\"></span></p>\n"
    "<table id=\"failed\"><thead><tr><th>class</th><th>url</th><th>error</th></tr></thead>"
    "<tbody></tbody></table>\n"
    "<h2>Calibration</h2>\n<p id=\"calibration\"></p>\n"
    "<h2>Configuration</h2>\n<pre id=\"config\"></pre>\n"
    "<script>\nconst DATA = {\n\"hits\": [\n";

static const char page_tail[] =
    "};\n"
    "const $ = id => document.getElementById(id);\n"
    "function kv(table, rows) { for (const [k, v] of rows) { const tr = table.insertRow();"
    " tr.insertCell().textContent = k; tr.insertCell().textContent = v; } }\n"
    "kv($('summary'), DATA.summary);\n"
    "kv($('errors'), DATA.errors.length ? DATA.errors : [['none', '']]);\n"
    "$('calibration').textContent = DATA.calibration;\n"
    "$('config').textContent = DATA.config;\n"
    "let rows = DATA.hits, sortCol = -1, sortDir = 1;\n"
    "/* A cell: URLs of http(s) are links (no other scheme is), the rest text. */\n"
    "function cell(tr, v) {\n"
    "  const td = tr.insertCell(), s = String(v);\n"
    "  if (/^https?:\\/\\//i.test(s)) { const a = document.createElement('a');"
    " a.href = s; a.textContent = s; a.rel = 'noreferrer'; td.appendChild(a); }\n"
    "  else td.textContent = s;\n"
    "}\n"
    "/* The filters live in the address (#status=301&class=dns&q=text), so a\n"
    " * filtered view can be linked to; a bar of the status chart sets one. */\n"
    "function hashGet() { const p = new URLSearchParams(location.hash.slice(1));"
    " return {status: p.get('status') || '', cls: p.get('class') || '', q: p.get('q') || ''}; }\n"
    "function hashSet() { const p = new URLSearchParams();"
    " if ($('status-filter').value) p.set('status', $('status-filter').value);"
    " if ($('class-filter').value) p.set('class', $('class-filter').value);"
    " if ($('filter').value) p.set('q', $('filter').value);"
    " history.replaceState(null, '', '#' + p.toString()); }\n"
    "for (const [s] of DATA.status) { const o = document.createElement('option');"
    " o.value = o.textContent = s; $('status-filter').appendChild(o); }\n"
    "for (const [c] of DATA.errors) { const o = document.createElement('option');"
    " o.value = o.textContent = c; $('class-filter').appendChild(o); }\n"
    "function render() {\n"
    "  const f = $('filter').value.toLowerCase(), st = $('status-filter').value;\n"
    "  const body = $('hits').tBodies[0]; body.textContent = '';\n"
    "  let shown = 0;\n"
    "  for (const h of rows) {\n"
    "    if (st && String(h[1]) !== st) continue;\n"
    "    if (f && !h.join(' ').toLowerCase().includes(f)) continue;\n"
    "    const tr = body.insertRow(); tr.className = 'hit'; shown++;\n"
    "    for (const v of h) cell(tr, v);\n"
    "  }\n"
    "  $('count').textContent = shown + ' of ' + DATA.hits.length + ' hits' +"
    " (DATA.dropped ? ' (' + DATA.dropped + ' more not kept in this page)' : '');\n"
    "  const cl = $('class-filter').value, fb = $('failed').tBodies[0]; fb.textContent = '';\n"
    "  let fs = 0;\n"
    "  for (const e of DATA.failed) {\n"
    "    if (cl && e[0] !== cl) continue;\n"
    "    if (f && !e.join(' ').toLowerCase().includes(f)) continue;\n"
    "    const tr = fb.insertRow(); tr.className = 'failed'; fs++;\n"
    "    for (const v of e) cell(tr, v);\n"
    "  }\n"
    "  $('fcount').textContent = fs + ' of ' + DATA.failed.length + ' failed probes' +"
    " (DATA.failed_dropped ? ' (' + DATA.failed_dropped + ' more not kept)' : '');\n"
    "}\n"
    "/* A value from the address that no row has still filters (to nothing). */\n"
    "function choose(sel, v) { if (v && ![...sel.options].some(o => o.value === v)) {"
    " const o = document.createElement('option'); o.value = o.textContent = v; sel.appendChild(o); }"
    " sel.value = v; }\n"
    "function fromHash() { const h = hashGet(); choose($('status-filter'), h.status);"
    " choose($('class-filter'), h.cls); $('filter').value = h.q; render(); }\n"
    "window.addEventListener('hashchange', fromHash);\n"
    "document.querySelectorAll('#hits th').forEach((th, i) => th.onclick = () => {\n"
    "  sortDir = sortCol === i ? -sortDir : 1; sortCol = i;\n"
    "  document.querySelectorAll('#hits th').forEach(t => t.classList.remove('sorted'));\n"
    "  th.classList.add('sorted');\n"
    "  rows = DATA.hits.slice().sort((a, b) => (a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0) * sortDir);\n"
    "  render();\n"
    "});\n"
    "$('filter').oninput = $('status-filter').onchange = $('class-filter').onchange ="
    " () => { hashSet(); render(); };\n"
    "function bars(svg, data, pick) {\n"
    "  const NS = 'http://www.w3.org/2000/svg', W = 640, H = 200, pad = 28;\n"
    "  if (!data.length) { const t = document.createElementNS(NS, 'text');"
    " t.setAttribute('x', 10); t.setAttribute('y', 20); t.textContent = 'no responses';"
    " svg.appendChild(t); return; }\n"
    "  const max = Math.max(...data.map(d => d[1])), bw = (W - 10) / data.length;\n"
    "  data.forEach(([label, n], i) => {\n"
    "    const h = Math.max(1, (H - 2 * pad) * n / max), x = 5 + i * bw;\n"
    "    const r = document.createElementNS(NS, 'rect');\n"
    "    r.setAttribute('class', 'bar'); r.setAttribute('x', x + 2); r.setAttribute('y', H - pad - h);\n"
    "    r.setAttribute('width', Math.max(1, bw - 4)); r.setAttribute('height', h);\n"
    "    const tip = document.createElementNS(NS, 'title'); tip.textContent = label + ': ' + n;\n"
    "    r.appendChild(tip); svg.appendChild(r);\n"
    "    if (pick) r.onclick = () => pick(label);\n"
    "    for (const [y, s] of [[H - 10, label], [H - pad - h - 4, n]]) {\n"
    "      const t = document.createElementNS(NS, 'text'); t.setAttribute('class', 'axis');\n"
    "      t.setAttribute('x', x + bw / 2); t.setAttribute('y', y);"
    " t.setAttribute('text-anchor', 'middle'); t.textContent = s; svg.appendChild(t);\n"
    "    }\n"
    "  });\n"
    "}\n"
    "bars($('status'), DATA.status, s => { $('status-filter').value = s; hashSet(); render(); });\n"
    "bars($('sizes'), DATA.sizes);\n"
    "fromHash();\n"
    "</script></body></html>\n";

static const char *size_label(unsigned b, char *out, size_t n)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB"};
    if (b == 0) {
        snprintf(out, n, "0");
        return out;
    }
    unsigned long long lo = 1ull << (b - 1);
    unsigned u = 0;
    while (lo >= 1024 && u < 3) {
        lo /= 1024;
        u++;
    }
    snprintf(out, n, "%llu%s+", lo, units[u]);
    return out;
}

static void json_pair(struct buf *b, const char *k, const char *v)
{
    buf_append_byte(b, '[');
    buf_json_str(b, k, strlen(k), 1);
    buf_append_byte(b, ',');
    buf_json_str(b, v, strlen(v), 1);
    buf_append_byte(b, ']');
}

int report_close(struct report *r, const struct summary_scan *c, const struct scan_stats *st,
                 char *err, size_t errlen)
{
    struct buf b = {0};
    char v[128];
    buf_printf(&b, "],\n\"dropped\": %llu,\n\"failed_dropped\": %llu,\n\"summary\": [",
               r->dropped, r->failed_dropped);
    snprintf(v, sizeof v, "%llu", (unsigned long long)st->words_done);
    json_pair(&b, "words", v);
    snprintf(v, sizeof v, "%llu", (unsigned long long)st->hits);
    buf_append_byte(&b, ','), json_pair(&b, "hits", v);
    snprintf(v, sizeof v, "%llu", (unsigned long long)st->errors);
    buf_append_byte(&b, ','), json_pair(&b, "errors", v);
    snprintf(v, sizeof v, "%.2f s", st->elapsed);
    buf_append_byte(&b, ','), json_pair(&b, "elapsed", v);
    snprintf(v, sizeof v, "%.0f words/s",
             st->elapsed > 0 ? (double)st->words_done / st->elapsed : 0.0);
    buf_append_byte(&b, ','), json_pair(&b, "rate", v);
    snprintf(v, sizeof v, "%d", st->procs);
    buf_append_byte(&b, ','), json_pair(&b, "workers", v);
    struct buf na = {0};
    if (summary_unanswered(c, st, &na))
        buf_append_byte(&b, ','), json_pair(&b, "no answer", na.p);
    buf_free(&na);
    buf_append_byte(&b, ','), json_pair(&b, "template", c->template);
    buf_append_byte(&b, ','), json_pair(&b, "plugin", c->plugin);
    buf_append_str(&b, "],\n\"status\": [");
    int first = 1;
    for (int s = 0; s < 600; s++)
        if (st->status[s]) {
            buf_printf(&b, "%s[\"%d\",%llu]", first ? "" : ",", s,
                       (unsigned long long)st->status[s]);
            first = 0;
        }
    buf_append_str(&b, "],\n\"sizes\": [");
    int lo = SIZE_BUCKETS, hi = -1;
    for (int i = 0; i < SIZE_BUCKETS; i++)
        if (st->sizes[i]) {
            lo = i < lo ? i : lo;
            hi = i;
        }
    for (int i = lo; i <= hi; i++)
        buf_printf(&b, "%s[\"%s\",%llu]", i == lo ? "" : ",",
                   size_label((unsigned)i, v, sizeof v), (unsigned long long)st->sizes[i]);
    buf_append_str(&b, "],\n\"errors\": [");
    for (size_t i = 0; i < r->nclasses; i++) {
        snprintf(v, sizeof v, "%llu", r->classes[i].n);
        if (i)
            buf_append_byte(&b, ',');
        json_pair(&b, r->classes[i].name, v);
    }
    buf_append_str(&b, "],\n\"calibration\": ");
    struct buf cal = {0};
    if (!c->calibrate)
        buf_append_str(&cal, "not enabled: the hits above were judged by the rules and the "
                       "plugin alone");
    else
        summary_calibration(c, st, &cal);
    buf_json_str(&b, cal.p ? cal.p : "", cal.len, 1);
    buf_free(&cal);
    buf_append_str(&b, ",\n\"config\": ");
    buf_json_str(&b, c->config ? c->config : "", c->config ? strlen(c->config) : 0, 1);
    buf_append_str(&b, ",\n\"failed\": [\n");

    int rc = -1;
    FILE *f = fopen(r->path, "w");
    if (f && fputs(page_head, f) >= 0) {
        char chunk[65536];
        size_t n;
        rewind(r->spool);
        while ((n = fread(chunk, 1, sizeof chunk, r->spool)) > 0)
            if (fwrite(chunk, 1, n, f) != n)
                break;
        int ok = !ferror(r->spool) && fwrite(b.p, 1, b.len, f) == b.len;
        rewind(r->failed);
        while (ok && (n = fread(chunk, 1, sizeof chunk, r->failed)) > 0)
            ok = fwrite(chunk, 1, n, f) == n;
        if (ok && !ferror(r->failed) && fputs("]\n", f) >= 0 && fputs(page_tail, f) >= 0)
            rc = 0;
    }
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "report %s: %s", r->path, strerror(errno ? errno : EIO));
    buf_free(&b);
    fclose(r->spool);
    fclose(r->failed);
    free(r->path);
    free(r);
    return rc;
}
