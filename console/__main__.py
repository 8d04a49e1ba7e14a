"""python -m console add-user NAME --role butler|supervisor   (the password is read from standard input)
python -m console serve [--port 5080]                         (started by `make run`'s supervisor)
"""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m console", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser(
        "add-user", help="create an account (or set its password and role); the password comes from stdin"
    )
    add.add_argument("name")
    add.add_argument("--role", choices=("butler", "supervisor"), required=True)
    serve = sub.add_parser("serve", help="run the console")
    serve.add_argument("--port", type=int)
    args = ap.parse_args(argv)
    from console.config import ConsoleSettings

    settings = ConsoleSettings.from_env()
    if args.cmd == "add-user":
        from console.accounts import Accounts
        from console.store import console_engine

        password = getpass.getpass("密码: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        try:
            user = Accounts(console_engine(settings.db_url)).add(args.name, args.role, password)
        except ValueError as exc:
            print(f"未创建: {exc}", file=sys.stderr)
            return 1
        print(f"账号 {user.name}（{user.role}）已保存。")
        return 0
    from assistant import redaction

    redaction.install()
    if args.port:
        settings.port = args.port
    from console.app import create_app

    app = create_app(settings)
    app.run(host=settings.interface, port=settings.port, access_log=False, workers=1, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
