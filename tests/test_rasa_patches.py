"""The changes to Rasa's behaviour (assistant.rasa_patches): pinned to the source they replace, and equivalent where they claim to be.

No model and no server are needed: the functions are exercised directly, the action-server
timeout against a real HTTP server on localhost that never answers.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import inspect
import time
from typing import Any, Dict, List

import jsonschema
import pytest
import rasa
from aiohttp import web

from assistant import rasa_patches

rasa_patches.apply()


def test_rasa_is_the_pinned_version():
    assert rasa.__version__ == rasa_patches.PINNED_RASA


@pytest.mark.parametrize("name", sorted(rasa_patches.REPLACED))
def test_each_replaced_function_is_still_the_one_the_patch_was_written_for(name):
    source = inspect.getsource(rasa_patches.original(name))
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == rasa_patches.REPLACED[name], (
        f"rasa changed {name}: re-read it and re-check the patch in assistant/rasa_patches.py"
    )


def test_apply_is_idempotent_and_keeps_the_originals():
    from rasa.core.actions.action import RemoteAction

    before = rasa_patches.original("rasa.core.actions.action.RemoteAction.run")
    rasa_patches.apply()
    assert rasa_patches.original("rasa.core.actions.action.RemoteAction.run") is before
    assert RemoteAction.run is not before


# -- the response validator: same verdict as jsonschema.validate on Rasa's schema -------------


def _events() -> List[Dict[str, Any]]:
    from rasa.shared.core import events as ev

    made = [
        ev.UserUttered(
            "平安的住院陪护在毫州能用吗",
            {"name": "ask_coverage", "confidence": 0.9},
            [{"entity": "place", "value": "亳州", "start": 9, "end": 11}],
        ),
        ev.ActionExecuted("action_answer"),
        ev.SlotSet("place", "亳州"),
        ev.SlotSet("sr_hint", None),
        ev.BotUttered("可以。", {"custom": {"answer": {"type": "coverage"}}}),
        ev.ActiveLoop("service_request_form"),
        ev.ActiveLoop(None),
        ev.ActionExecutionRejected("service_request_form"),
        ev.LoopInterrupted(True),
        ev.ConversationPaused(),
        ev.ConversationResumed(),
        ev.FollowupAction("action_listen"),
        ev.Restarted(),
        ev.UserUtteranceReverted(),
        ev.ActionReverted(),
        ev.AllSlotsReset(),
        ev.SessionStarted(),
        ev.EntitiesAdded([{"entity": "place", "value": "杭州"}]),
        ev.AgentUttered("人工回复"),
    ]
    return [e.as_dict() for e in made]


def _broken() -> List[Any]:
    good = {"events": _events()[:3], "responses": [{"text": "好"}]}
    cases: List[Any] = [
        [],
        "x",
        {"events": "no"},
        {"events": [1]},
        {"events": [{}]},
        {"events": [{"event": "nonsense"}]},
        {"events": [{"event": 3}]},
        {"responses": "x"},
        {"responses": [1]},
        {"events": [{"event": "slot", "value": 1}]},  # a slot event needs its name
        {"events": [{"event": "user", "text": 5}]},
        {"events": [{"event": "action", "timestamp": "x"}]},
    ]
    for i in range(3):
        bad = copy.deepcopy(good)
        bad["events"][i]["metadata"] = "not an object"
        cases.append(bad)
    return cases


def _valid_by_rasa(result: Any) -> bool:
    from rasa.core.actions.action import RemoteAction

    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


def _valid_by_patch(result: Any) -> bool:
    from rasa.core.actions.action import RemoteAction

    try:
        return RemoteAction("a", None)._validate_action_result(result)
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize(
    "result",
    [{"events": _events(), "responses": [{"text": "好"}]}, {"events": []}, {}, *[{"events": [e]} for e in _events()]],
)
def test_valid_action_responses_pass_as_in_rasa(result):
    assert _valid_by_rasa(result) and _valid_by_patch(result)


@pytest.mark.parametrize("result", _broken())
def test_invalid_action_responses_fail_as_in_rasa(result):
    assert _valid_by_rasa(result) is False
    assert _valid_by_patch(result) is False


def test_a_validation_error_carries_rasas_message():
    from rasa.core.actions.action import RemoteAction

    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        RemoteAction("a", None)._validate_action_result({"events": [{"event": "nonsense"}]})


# -- event classes by name --------------------------------------------------------------------


def test_every_event_name_resolves_to_the_class_rasa_finds():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = rasa_patches.original("rasa.shared.core.events.Event.resolve_by_type")
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is original(cls.type_name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nonsense", default=Event) is Event
    with pytest.raises(ValueError):
        Event.resolve_by_type("nonsense")


# -- no "/intent" shortcut ----------------------------------------------------------------


def test_a_slash_intent_message_is_left_for_the_nlu():
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.nlu.training_data.message import Message

    message = Message({"text": '/request_service{"service": "7天住院陪护"}'})
    out = RegexMessageHandler().process([message])
    assert out[0].get("intent") is None and out[0].get("text").startswith("/request_service")


# -- the bounded wait for the action server --------------------------------------------------


async def _hanging_server(port: int) -> web.AppRunner:
    async def webhook(_: web.Request) -> web.Response:
        await asyncio.sleep(60)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def test_a_hanging_action_server_costs_one_timeout_then_calls_fail_at_once(monkeypatch):
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from assistant.serve import free_port

    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setattr(rasa_patches, "_breaker", rasa_patches._Breaker(cooldown=1.0))
    port = free_port()

    async def scenario() -> List[float]:
        runner = await _hanging_server(port)
        action = RemoteAction("action_answer", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        tracker, domain = DialogueStateTracker("t", []), Domain.empty()
        took = []
        try:
            for _ in range(2):
                started = time.perf_counter()
                with pytest.raises(rasa_patches.ActionServerUnavailable):
                    await action.run(CollectingOutputChannel(), None, tracker, domain)
                took.append(time.perf_counter() - started)
        finally:
            await runner.cleanup()
        return took

    first, second = asyncio.run(scenario())
    assert 0.45 < first < 2.0  # the timeout, not Rasa's 300 s
    assert second < 0.1  # the breaker is open: no second wait in the same turn


# -- the core fallback answers instead of staying silent ----------------------------------------


def test_the_core_fallback_runs_the_answer_policy_when_the_domain_has_no_utter_default():
    from rasa.core.actions import action as rasa_action
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from knowledge.config import ROOT

    domain = Domain.load(str(ROOT / "bot" / "domain.yml"))
    endpoint = EndpointConfig("http://127.0.0.1:9/webhook")
    assert "utter_default" not in domain.responses  # why the fallback was silent
    fallback = rasa_action.action_for_name_or_text("action_default_fallback", domain, endpoint)
    assert fallback.name() == "action_default_fallback"
    assert fallback.answer.name() == rasa_patches.ANSWER_ACTION and fallback.answer.action_endpoint is endpoint
    # a domain that words its own fallback keeps rasa's
    worded = Domain.from_dict({"responses": {"utter_default": [{"text": "?"}]}, "actions": ["action_answer"]})
    assert type(rasa_action.action_for_name_or_text("action_default_fallback", worded, endpoint)) is (
        rasa_action.ActionDefaultFallback
    )
    # other actions are rasa's own
    assert type(rasa_action.action_for_name_or_text("action_listen", domain, endpoint)) is rasa_action.ActionListen
