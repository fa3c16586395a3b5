"""Command line of the Longcheng portal (run from the checkout):

  python -m examples.longcheng serve --db FILE [--host H] [--port P] [--admin-token T] [--faults a,b]
  python -m examples.longcheng batch --db FILE       # 日终批处理: publish the day's changes (nightly.py)
  python -m examples.longcheng pending --db FILE     # what the next batch would publish
  python -m examples.longcheng policy [--config F]   # the policy values (业务参数) in force

`serve` prints one line `longcheng: serving http://HOST:PORT/wt/login` once it listens (with --port 0
the system picks a free port), then serves with waitress until SIGINT or SIGTERM."""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys

from . import config, nightly, store


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m examples.longcheng",
                                description="龙城公积金网上服务厅 / the Longcheng employer portal (example vendor)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the portal with waitress / 启动网上服务厅")
    s.add_argument("--db", required=True, help="sqlite file, created if missing / 数据库文件")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000, help="0 = any free port / 0 表示任选空闲端口")
    s.add_argument("--admin-token", default=os.environ.get("LONGCHENG_ADMIN_TOKEN"),
                   help="mounts /admin behind X-Admin-Token (default $LONGCHENG_ADMIN_TOKEN; none = no back office)")
    s.add_argument("--faults", default=None, help="known faults to switch on (default $LONGCHENG_FAULTS)")
    s.add_argument("--config", default=None, help="policy file (default $LONGCHENG_CONFIG or longcheng.toml)")
    s.add_argument("--threads", type=int, default=4)
    s.add_argument("--channel-timeout", type=int, default=120,
                   help="seconds an idle connection is kept (waitress); see FAKETIME.md for moved clocks")
    for name, text in (("batch", "run the nightly batch now / 运行日终批处理"),
                       ("pending", "show what the next batch publishes / 查看待发布的变更")):
        c = sub.add_parser(name, help=text)
        c.add_argument("--db", required=True)
    c = sub.add_parser("policy", help="print the policy values / 显示业务参数")
    c.add_argument("--config", default=None)
    args = p.parse_args(argv)

    if args.command == "policy":
        print(json.dumps(config.load(args.config).raw, ensure_ascii=False, indent=2))
        return 0
    if args.command in ("batch", "pending"):
        if not os.path.exists(args.db):
            print(f"数据库文件不存在 / no such database: {args.db}", file=sys.stderr)
            return 2
        conn = store.connect(args.db)
        try:
            result = nightly.run(conn) if args.command == "batch" else nightly.pending(conn)
        finally:
            conn.close()
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    return serve(args)


def serve(args) -> int:
    from waitress import create_server

    from .app import create_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        app = create_app(args.db, admin_token=args.admin_token, config_file=args.config, faults=args.faults)
    except ValueError as e:  # an unknown fault name
        print(e, file=sys.stderr)
        return 2
    server = create_server(app, host=args.host, port=args.port, threads=args.threads,
                           channel_timeout=args.channel_timeout, ident="longcheng")
    # SIGTERM ends the loop like Ctrl-C: waitress then stops its worker threads
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"longcheng: serving http://{args.host}:{server.effective_port}/wt/login", flush=True)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
