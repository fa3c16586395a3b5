"""The reference centre's subcommands of `gjj` (registered into gjj/cli.py's tree):

  gjj serve     serve the reference centre (the embedded default target)
  gjj demo      serve a seeded demo centre (test control on) and print the URLs to open
  gjj seed      bulk-seed a centre database with realistic Changzhou data

The simulator knows nothing of the harness that tests it: this module imports only the simulator, and,
as a composition root like app.py, the data generator of gjj.fixtures for `gjj seed`.
"""
from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
from datetime import datetime
from pathlib import Path

from .clock import to_shanghai
from .domain.messages import DomainError
from .server import base_url, bind_socket, serve


# tests/mutants/serve.py serves its variant through these two names
_socket = bind_socket
_run = serve


def _serve(app, sock: socket.socket, log_level: str, tls) -> None:
    """Serve until stopped; a temporary TLS folder is removed however the server ends."""
    try:
        if tls and tls.temporary:  # uvicorn re-raises SIGTERM after shutdown: exit via finally instead
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        serve(app, sock, log_level, tls)
    finally:
        if tls:
            tls.cleanup()


def _tls(args: argparse.Namespace):
    """--https: the local CA and server certificate (simulator/tls.py); None without --https."""
    if not getattr(args, "https", False):
        if getattr(args, "tls_dir", None) is not None:
            print("--tls-dir 需要同时指定 --https / --tls-dir needs --https", file=sys.stderr)
            raise SystemExit(2)
        return None
    from .tls import TlsError, identities_for, prepare
    try:
        return prepare(args.tls_dir, identities_for(args.host), db=args.db)
    except TlsError as e:
        print(f"--https: {e}", file=sys.stderr)
        raise SystemExit(2) from e


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _print_tls(tls, base: str) -> None:
    ca = tls.ca_cert
    print(f"  HTTPS 证书 (TLS):  {'沿用已有' if tls.ca_reused else '新建'}本地 CA / "
          f"{'reused' if tls.ca_reused else 'new'} local CA in {tls.directory}"
          f"{'（临时目录，退出时删除 / temporary, removed on exit）' if tls.temporary else ''}")
    print(f"  服务器证书适用于 / server certificate for: {', '.join(tls.identities)}")
    if tls.ca_expiring:
        end = f"{tls.ca_not_after:%Y-%m-%d %H:%M} UTC"
        print(f"  注意：本地 CA 将于 {end} 到期，服务器证书随之失效；删除 ca.pem 和 ca.key 即可新建 CA（客户端须重新信任）/ "
              f"note: the local CA expires on {end}, and the server certificate with it; remove ca.pem and ca.key "
              "to make a new CA (clients must then trust the new ca.pem)")
    print(f"  CA 证书 (CA bundle): {ca}")
    print("  客户端二选一 / clients, one of:")
    print(f"    信任此 CA / trust this CA:  --ca-bundle {ca}   (GJJ_CA_BUNDLE={ca}; curl --cacert {ca})")
    print("    不校验证书（仅限测试）/ skip verification, tests only:  --insecure   (GJJ_INSECURE=1; curl -k)")
    print(f"  例 / e.g.  .venv/bin/python -m pytest steps --target {base} --ca-bundle {ca}")


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import create_app
    app = create_app(args.db, test_control=args.test_control, control_token=args.control_token)
    if args.now:
        if not args.test_control:
            print("--now 需要同时指定 --test-control（只有虚拟时钟可以设定时间）", file=sys.stderr)
            return 2
        try:
            app.state.services.centre.set_clock(to_shanghai(datetime.fromisoformat(args.now)))
        except (ValueError, DomainError) as e:
            print(f"--now {args.now}: {e}", file=sys.stderr)
            return 2
    sock = bind_socket(args.host, args.port)
    tls = _tls(args)
    base = base_url(sock, "https" if tls else "http")
    print(f"模拟中心已启动 / reference centre listening: {base}")
    print(f"  API 文档 (OpenAPI):  {base}/docs   {base}/openapi.json")
    if args.test_control:
        print(f"  测试控制 (test control): {base}/_sim/clock")
    if tls:
        _print_tls(tls, base)
    sys.stdout.flush()
    _serve(app, sock, args.log_level, tls)
    return 0


DEMO_WORLD = {
    "seed": 2019,
    "units": [
        {"key": "甲", "name": "常州市天宁区恒达机械有限公司", "entrusted_collection": True,
         "first_month": "2023-01", "remitted_through": "2025-02",
         "employees": [{"key": "张三", "name": "张三", "base": "8000"},
                       {"key": "李四", "name": "李四", "state": "sealed", "last_month": "2024-12"}],
         "generate_employees": 120},
        {"key": "乙", "name": "常州市钟楼区明德学校", "entrusted_collection": False,
         "first_month": "2024-01", "remitted_through": "2025-02", "generate_employees": 30},
        {"key": "丙", "name": "江苏新北科技股份有限公司", "opening_stage": "not_enabled",
         "first_month": "2025-01", "remitted_through": "2025-02", "generate_employees": 5},
    ],
}


def cmd_demo(args: argparse.Namespace) -> int:
    from .app import create_app
    from .control.models import WorldIn
    from .control.world import seed_world
    app = create_app(args.db, test_control=True)
    svc = app.state.services
    svc.control.reset(to_shanghai(datetime.fromisoformat(args.now)))
    units = seed_world(svc, WorldIn.model_validate(DEMO_WORLD), app.state.data_generator)
    sock = bind_socket(args.host, args.port)
    tls = _tls(args)
    base = base_url(sock, "https" if tls else "http")
    print(f"演示中心已启动 / demo centre: {base}   虚拟时间 {args.now}（北京时间）")
    print(f"  API 文档:        {base}/docs")
    print(f"  OpenAPI:         {base}/openapi.json")
    print(f"  测试控制:        {base}/_sim/clock")
    for u in units:
        cert = u["certificates"][0]
        print(f"  单位{u['key']} {u['name']} 单位账号 {u['account_no']}：证书 {cert['serial']} 口令 {cert['pin']}")
    if tls:
        _print_tls(tls, base)
    cacert = f"--cacert {tls.ca_cert} " if tls else ""
    print(f"  登录示例: curl -s {cacert}-X POST {base}/api/v1/session -H 'Content-Type: application/json' "
          f"-d '{{\"serial\": \"{units[0]['certificates'][0]['serial']}\", \"pin\": \"123456\"}}'")
    print("按 Ctrl+C 结束。")
    sys.stdout.flush()
    _serve(app, sock, args.log_level, tls)
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    import time

    from gjj.fixtures.generators import Generator

    from .app import create_app
    from .control.models import UnitWorld
    from .control.world import complete_unit
    from .domain.months import Month
    app = create_app(args.db, test_control=True)
    svc = app.state.services
    with svc.centre.query() as ctx:  # seeding an existing centre again must not repeat its IDs
        existing = ctx.conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0]
        limits = (ctx.policy.base_limits.min, ctx.policy.base_limits.max)
    gen = Generator(args.seed * 1_000_003 + existing)
    first = Month.parse(args.first_month)
    started = time.perf_counter()
    out = []
    batch = []
    for i in range(args.units):
        batch.append(complete_unit(UnitWorld(first_month=args.first_month, remitted_through=args.remitted_through,
                                             generate_employees=args.employees), gen, first, i, limits))
        if len(batch) == 20 or i == args.units - 1:
            out.extend(svc.seeder.seed(batch, with_events=not args.no_events))
            batch = []
    elapsed = time.perf_counter() - started
    summary = {"db": str(args.db), "units": len(out), "accounts": sum(len(u["employees"]) for u in out),
               "seconds": round(elapsed, 2),
               "first_unit": {"account_no": out[0]["account_no"], "certificate": out[0]["certificates"][0]}
               if out else None}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def _add_tls_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--https", action="store_true",
                   help="以 HTTPS 提供服务：本地 CA 签发的证书（trustme）/ serve HTTPS with a local test CA")
    p.add_argument("--tls-dir", type=Path, default=None,
                   help="CA 与证书目录（已有 CA 则沿用）；默认数据库旁的 .gjj-tls/，:memory: 用临时目录")


def register(sub) -> None:
    s = sub.add_parser("serve", help="启动参考实现（模拟中心）/ serve the reference centre",
                       description="启动参考实现（模拟中心）/ serve the reference centre")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000, help="0 = 任选空闲端口")
    s.add_argument("--db", default="gjj.db", help="SQLite 文件，或 :memory:")
    s.add_argument("--test-control", action="store_true", help="开启 /_sim/ 测试控制接口（虚拟时钟）")
    s.add_argument("--control-token", default=None, help="测试控制令牌（请求头 X-Sim-Token）；不设则只接受本机请求")
    s.add_argument("--now", default=None, help="启动时的虚拟时间（需 --test-control）")
    s.add_argument("--log-level", default="warning")
    _add_tls_options(s)
    s.set_defaults(run=cmd_serve)

    d = sub.add_parser("demo", help="启动带演示数据的模拟中心 / serve a seeded demo centre",
                       description="启动带演示数据的模拟中心 / serve a seeded demo centre")
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=0)
    d.add_argument("--db", default=":memory:")
    d.add_argument("--now", default="2025-03-05T10:00:00+08:00")
    d.add_argument("--log-level", default="warning")
    _add_tls_options(d)
    d.set_defaults(run=cmd_demo)

    e = sub.add_parser("seed", help="批量生成模拟数据 / bulk-seed a centre database",
                       description="批量生成模拟数据 / bulk-seed a centre database")
    e.add_argument("--db", type=Path, required=True)
    e.add_argument("--units", type=int, default=10)
    e.add_argument("--employees", type=int, default=100, help="每个单位的职工人数")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--first-month", default="2024-01")
    e.add_argument("--remitted-through", default="2025-02")
    e.add_argument("--no-events", action="store_true", help="不写入“种子数据”事件（更快）")
    e.set_defaults(run=cmd_seed)
