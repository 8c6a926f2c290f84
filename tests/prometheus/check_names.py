#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks the rules file and the Grafana dashboard against what the exporter
serves.

  check_names.py --sample EXPOSITION --rules RULES.yml --dashboard DASH.json
                 --promtool PROMTOOL

- The dashboard's structure: unique panel ids, grid positions inside 24
  columns and not overlapping, every query panel with targets that have an
  expr and a unique refId, every $variable defined, the data source a
  variable.
- Every PromQL query of the dashboard (panels and annotations), with
  Grafana's variables replaced, parses: they are written into a temporary
  rules file as recording rules and `promtool check rules` reads it with
  Prometheus' own parser.
- Every metric name the rules and the dashboard use is one the exporter
  serves (EXPOSITION: one scrape), a name the rules record, or `up`; every
  label a selector matches on exists on that metric, and every value an
  equality matcher names occurs.
Prints what it checked; exits 1 on the first list of problems.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'


def parse_exposition(path):
    series = {}  # name -> list of label dicts
    sample = re.compile(r'^(' + NAME + r')(?:\{(.*)\})? \S+$')
    label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    for line in open(path):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        m = sample.match(line)
        if not m:
            sys.exit(f'not a sample line in {path}: {line}')
        series.setdefault(m.group(1), []).append(dict(label.findall(m.group(2) or '')))
    return series


def variables(text):
    return set(re.findall(r'\$\{?([a-zA-Z_][a-zA-Z0-9_]*)', text))


def substitute(expr):
    expr = re.sub(r'\$\{?__(rate_interval|interval|range)\}?', '5m', expr)
    return re.sub(r'\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?', '.+', expr)


def selectors(expr):
    """(metric, [(label, op, value)]) for every name{...} selector."""
    out = []
    for m in re.finditer(r'(' + NAME + r')\s*\{([^}]*)\}', expr):
        matchers = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"',
                              m.group(2))
        out.append((m.group(1), matchers))
    return out


KEYWORDS = {'sum', 'by', 'without', 'rate', 'irate', 'increase', 'topk', 'bottomk', 'count',
            'max', 'min', 'avg', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left',
            'group_right', 'histogram_quantile', 'vector', 'absent', 'changes', 'label_values',
            'humanize', 'humanizePercentage', 'offset', 'bool', 'le', 'e', 'Inf', 'NaN'}


def metric_names(expr):
    # Drop strings and the label lists of by (...)/without (...).
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    bare = re.sub(r'\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)', ' ', bare)
    bare = re.sub(r'\{[^}]*\}', ' ', bare)
    bare = re.sub(r'\[[^\]]*\]', ' ', bare)
    names = set()
    for tok in re.findall(NAME, bare):
        if tok in KEYWORDS or re.fullmatch(r'[0-9.e]+', tok):
            continue
        names.add(tok)
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sample', required=True)
    ap.add_argument('--rules', required=True)
    ap.add_argument('--dashboard', required=True)
    ap.add_argument('--promtool', required=True)
    a = ap.parse_args()
    problems = []
    series = parse_exposition(a.sample)
    rules_text = open(a.rules).read()
    recorded = set(re.findall(r'^\s*- record:\s*(\S+)\s*$', rules_text, re.M))
    rule_exprs = []
    # The expr of each rule: `expr: ...` on one line or a folded block.
    for m in re.finditer(r'^(\s*)expr:\s*(>-?|\|)?\s*(.*)$', rules_text, re.M):
        if m.group(2):
            indent = None
            lines = []
            for line in rules_text[m.end():].split('\n')[1:]:
                if not line.strip():
                    break
                cur = len(line) - len(line.lstrip())
                if indent is None:
                    indent = cur
                if cur < indent:
                    break
                lines.append(line.strip())
            rule_exprs.append(' '.join(lines))
        else:
            rule_exprs.append(m.group(3))
    if not rule_exprs:
        problems.append('no rule expressions found in ' + a.rules)

    dash = json.load(open(a.dashboard))
    for key in ('uid', 'title', 'panels', 'templating', 'schemaVersion'):
        if key not in dash:
            problems.append(f'dashboard: no {key}')
    defined = {v['name'] for v in dash.get('templating', {}).get('list', [])}
    defined |= {'__rate_interval', '__interval', '__range'}
    ids = set()
    boxes = []
    queries = []  # (where, expr)
    for p in dash['panels']:
        where = f'panel {p.get("id")} "{p.get("title")}"'
        if p.get('id') in ids:
            problems.append(f'{where}: duplicate id')
        ids.add(p.get('id'))
        g = p.get('gridPos', {})
        if not all(isinstance(g.get(k), int) for k in 'hwxy') or g['x'] + g['w'] > 24:
            problems.append(f'{where}: bad gridPos {g}')
            continue
        for (ox, oy, ow, oh, other) in boxes:
            if g['x'] < ox + ow and ox < g['x'] + g['w'] and g['y'] < oy + oh and oy < g['y'] + g['h']:
                problems.append(f'{where}: overlaps {other}')
        boxes.append((g['x'], g['y'], g['w'], g['h'], where))
        if p.get('type') == 'row':
            continue
        if p.get('datasource', {}).get('uid') != '${datasource}':
            problems.append(f'{where}: data source is not the $datasource variable')
        targets = p.get('targets', [])
        if not targets:
            problems.append(f'{where}: no targets')
        refs = [t.get('refId') for t in targets]
        if len(set(refs)) != len(refs) or None in refs:
            problems.append(f'{where}: refIds {refs}')
        for t in targets:
            if not t.get('expr'):
                problems.append(f'{where}: target {t.get("refId")} without expr')
                continue
            queries.append((where, t['expr']))
    for ann in dash.get('annotations', {}).get('list', []):
        if ann.get('expr'):
            queries.append((f'annotation "{ann.get("name")}"', ann['expr']))
    for where, expr in queries:
        for v in variables(expr) - defined:
            problems.append(f'{where}: undefined variable ${v}')
    var_queries = [(f'variable {v["name"]}', v.get('definition', ''))
                   for v in dash['templating']['list'] if v.get('type') == 'query']
    for where, q in var_queries:
        for v in variables(q) - defined:
            problems.append(f'{where}: undefined variable ${v}')

    # Prometheus' parser on every dashboard query.
    doc = {'groups': [{'name': 'dashboard', 'rules': [
        {'record': f'dashboard:query_{i}', 'expr': substitute(e)} for i, (_, e) in enumerate(queries)]}]}
    with tempfile.NamedTemporaryFile('w', suffix='.yml') as f:
        json.dump(doc, f)  # JSON is YAML
        f.flush()
        r = subprocess.run([a.promtool, 'check', 'rules', f.name], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append('promtool cannot parse a dashboard query:\n' + r.stdout + r.stderr)

    known = set(series) | recorded | {'up'}
    checked = set()
    for where, expr in ([('rules', e) for e in rule_exprs] + queries +
                        [(w, re.sub(r'^label_values\((.*),\s*\w+\)$', r'\1', q)) for w, q in var_queries]):
        for name in metric_names(expr):
            checked.add(name)
            if name not in known:
                problems.append(f'{where}: unknown metric {name}')
        for name, matchers in selectors(expr):
            if name not in series:
                continue  # recorded names and up: labels come from the rules or Prometheus
            for label, op, value in matchers:
                if label in ('job', 'instance'):
                    continue
                values = {s.get(label) for s in series[name]}
                if values == {None}:
                    problems.append(f'{where}: {name} has no label {label}')
                elif op == '=' and value not in values:
                    problems.append(f'{where}: {name}{{{label}="{value}"}} never occurs')
    if problems:
        print('\n'.join(problems))
        return 1
    print(f'dashboard: {len(dash["panels"])} panels, {len(queries)} queries parsed by promtool; '
          f'rules: {len(rule_exprs)} expressions; {len(checked)} metric names checked against '
          f'{len(series)} served')
    return 0


if __name__ == '__main__':
    sys.exit(main())
