"""Serving settings and the files made from them (assistant.settings, assistant.layout): no server needed."""

from __future__ import annotations

from assistant import layout
from assistant.settings import Settings


def test_the_defaults_need_nothing_installed():
    s = Settings.from_env({})
    assert s.conversations_db_url.startswith("sqlite:///") and s.conversations_db_url.endswith(
        "var/conversations.sqlite3"
    )
    assert s.redis_url is None and s.sanic_workers == 1 and s.warnings == []
    ep = layout.endpoints(s)
    assert ep["tracker_store"]["type"] == "assistant.tracker_store.ConversationStore"
    assert ep["lock_store"]["type"] == "assistant.lock_store.InMemoryTicketLockStore"
    assert ep["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"
    channels, off = layout.credentials(s, env={})
    assert "assistant.channels.rest.RestChannel" in channels and "rest" not in channels
    assert "assistant.channels.wechat.WeChatChannel" not in channels and "WECHAT_TOKEN" in off[0]


def test_several_workers_without_redis_are_refused_and_said():
    s = Settings.from_env({"SANIC_WORKERS": "4"})
    assert s.sanic_workers == 1 and "REDIS_URL" in s.warnings[0]


def test_the_production_layout_is_one_set_of_variables():
    env = {
        "CONVERSATIONS_DB_URL": "postgresql+psycopg2://rasa:secret@db/rasa",
        "REDIS_URL": "redis://cache:6379/1",
        "SANIC_WORKERS": "2",
        "ACTION_SERVER_SANIC_WORKERS": "2",
        "RASA_PORT": "6005",
    }
    s = Settings.from_env(env)
    assert s.sanic_workers == 2 and s.action_workers == 2 and s.rasa_port == 6005 and s.warnings == []
    ep = layout.endpoints(s)
    assert ep["tracker_store"]["url"] == env["CONVERSATIONS_DB_URL"]
    assert ep["lock_store"] == {"type": "assistant.lock_store.RedisTicketLockStore", "url": "redis://cache:6379/1"}
    child = s.child_env()
    assert child["SANIC_WORKERS"] == "2" and child["REDIS_URL"] == env["REDIS_URL"]


def test_the_stock_layout_is_rasa_as_shipped():
    s = Settings.from_env({"ASSISTANT_STOCK": "1"})
    assert layout.endpoints(s) == {"action_endpoint": {"url": "http://127.0.0.1:5055/webhook"}}
    assert layout.credentials(s) == ({"rest": None}, [])


def test_the_wechat_channel_is_configured_from_the_environment():
    channels, off = layout.credentials(Settings.from_env({}), env={"WECHAT_TOKEN": "t0k", "WECHAT_APP_ID": "wx1"})
    assert off == []
    assert channels["assistant.channels.wechat.WeChatChannel"] == {
        "token": "t0k",
        "aes_key": "",
        "app_id": "wx1",
        "app_secret": "",
        "api_base": "https://api.weixin.qq.com/cgi-bin/",
    }


def test_the_api_token_file_is_private(tmp_path):
    s = Settings.from_env({"RUN_DIR": str(tmp_path)})
    token = s.ensure_token()
    path = tmp_path / "rasa-api-token"
    assert path.read_text() == token and len(token) >= 24 and (path.stat().st_mode & 0o777) == 0o600


def test_the_api_token_reaches_rasa_whatever_its_first_character(tmp_path):
    """One generated token in 64 begins with '-'; given as a separate argument, Rasa's parser took it for an
    option and the server exited with code 2 at every restart (a whole CI run lost its assistant)."""
    from rasa.__main__ import create_argument_parser

    from assistant.rasa_server import rasa_arguments
    from assistant.supervisor import Supervisor

    token = "-Jq8" + "x" * 28
    s = Settings.from_env({"RUN_DIR": str(tmp_path / "run"), "LOG_DIR": str(tmp_path / "log"), "RASA_API_TOKEN": token})
    s.ensure_token()
    rasa = next(p for p in Supervisor(s, tmp_path / "model.tar.gz").parts if p.name == "rasa")
    assert token not in " ".join(rasa.command)  # `ps` shows a command line to every local user
    argv = rasa_arguments(rasa.command[rasa.command.index("run") :], rasa.env["RASA_API_TOKEN"])
    assert create_argument_parser().parse_args(argv).auth_token == token
