"""龙城公积金网上服务厅 — the employer portal of 常州龙城信息技术有限公司 (a fictional vendor) for the
常州市住房公积金管理中心, written from the guide 《住房公积金网上单位业务新手指南》 (2019-06).

Flask + Jinja2 + sqlite3, served by waitress. It reads the operating system's clock (clock.py) and
shares no code with the harness (`gjj`). Modules: config (业务参数), errors (错误码), clock (time and
working days), checks (input formats), rules (the guide's rules, no I/O), store (sqlite), business
(业务办理: store + rules), queries (查询), nightly (日终批处理), slip (汇（补）缴书), api (/gateway), web (/wt),
admin (/admin), testdata (造数), faults (known faults), app (composition root), __main__ (CLI),
faketime_probe (measurements). README.md says how to run it."""
