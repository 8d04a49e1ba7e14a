"""Every change this project makes to Rasa's own behaviour, in one place, for rasa 3.6.21 only.

Applied by ``assistant.rasa_server`` before Rasa starts (and inherited by its Sanic workers,
which are forked).  Each patch says what it fixes and why it is safe;
``tests/test_rasa_patches.py`` pins the source of every function replaced here, so an upgrade of
Rasa that changes one fails the suite instead of silently running a stale patch.  Measured
before/after figures are in the README (Serving → What was changed in Rasa).

Extension points Rasa supports (a tracker store, a lock store, an input channel) are not
patches: they live in ``assistant.tracker_store``, ``assistant.lock_store`` and
``assistant.channels``.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import os
import time
from typing import Any, Callable, Dict, List, Optional

import rasa
from rasa.shared.exceptions import RasaException

from assistant import texts

logger = logging.getLogger(__name__)

PINNED_RASA = "3.6.21"
DEFAULT_ACTION_TIMEOUT = 2.5
BREAKER_COOLDOWN = 2.0

# the functions replaced below or relied on, by dotted path: sha256 of their source in rasa 3.6.21 (sanic 21.12.2), first 16 hex digits
REPLACED = {
    "rasa.core.actions.action.RemoteAction._validate_action_result": "f8cdb4be68123961",
    "rasa.core.actions.action.RemoteAction.run": "ccabf6f1160d527a",
    "rasa.core.processor.MessageProcessor._run_prediction_loop": "cb30a0cbb690c571",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler.process": "c0b15285ba78223d",
    "rasa.shared.core.events.Event.resolve_by_type": "b5cf570fa7f286c7",
    "rasa.engine.runner.dask.DaskGraphRunner.run": "45f0f52f574f3aa9",
    "rasa.core.actions.action.action_for_name_or_text": "a63fb2d066efa0bc",
    "rasa.core.actions.action.ActionDefaultFallback.run": "0308fec5599a68e0",  # what the answering fallback replaces
    "rasa.engine.runner.dask.DaskGraphRunner._build_dask_graph": "5bb99f974d512a36",  # the task shape the replacement follows
    "rasa.engine.runner.dask.DaskGraphRunner._add_inputs_to_graph": "d04a0ca2df6241c1",
    "sanic.server.runners.serve": "1588e933e436c5c3",
    "sanic.server.runners.serve_single": "ee0bc204209c395a",  # calls serve() by module global: share_port() relies on it
}

_applied: Dict[str, Callable[..., Any]] = {}  # qualified name → the original function


class ActionServerUnavailable(RasaException):
    """The action server did not answer in time, refused the connection or failed the call."""


# -- 1. the action response schema, compiled once and checked per event type ------------------
# rasa 3.6.21 calls ``jsonschema.validate(result, schema)`` on every action-server response;
# that function first checks the whole events schema against the JSON-Schema metaschema, then
# validates every event against a ``oneOf`` of all 23 event schemas.  Under load that was 77%
# of the Rasa process's CPU (py-spy).  Here the schema is checked once, and each event is
# validated against its own schema only, picked by its ``event`` name: the 23 alternatives are
# told apart by a ``const`` on that name, so an event is valid under the ``oneOf`` exactly when it
# is valid under its own one (tests/test_rasa_patches.py compares both on valid and broken
# responses).  A ValidationError carries the message Rasa adds.


class _ResponseValidator:
    """Rasa's action response schema, with the events' ``oneOf`` dispatched on the event name."""

    def __init__(self, spec: Dict[str, Any]) -> None:
        from jsonschema import validators

        cls = validators.validator_for(spec)
        cls.check_schema(spec)
        events = spec["properties"]["events"]
        event_schema = events["items"]
        base = {k: v for k, v in event_schema.items() if k != "oneOf"}
        self.top = cls({**spec, "properties": {**spec["properties"], "events": {"type": "array"}}})
        self.base = cls(base)
        self.by_name = {
            alt["properties"]["event"]["const"]: cls({"allOf": [base, alt]}) for alt in event_schema["oneOf"]
        }

    def validate(self, result: Any) -> None:
        from jsonschema import ValidationError

        self.top.validate(result)
        for event in result.get("events") or []:
            self.base.validate(event)
            validator = self.by_name.get(event["event"])
            if validator is None:
                raise ValidationError(f"{event['event']!r} is not one of the known event types")
            validator.validate(event)


_response_validator: Optional[_ResponseValidator] = None


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    global _response_validator
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    if _response_validator is None:
        _response_validator = _ResponseValidator(self.action_response_format_spec())
    try:
        _response_validator.validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


# -- 1b. event classes looked up in a table ---------------------------------------------------
# rasa 3.6.21 finds the class of every event it deserialises (each event an action returns, each
# event read from the tracker store) by walking all subclasses of Event recursively: 6% of the
# Rasa process's CPU.  The classes do not change while the server runs; the table is rebuilt
# when a name is missing, so a subclass defined later is still found, and an unknown name
# behaves exactly as in Rasa (the topic / default / ValueError cases are Rasa's own code).

_event_classes: Dict[str, Any] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    if type_name not in _event_classes:
        from rasa.shared.core.events import Event
        from rasa.shared.utils.common import all_subclasses

        _event_classes.clear()
        for cls in reversed(all_subclasses(Event)):  # the first subclass of a name wins, as in Rasa's loop
            _event_classes[cls.type_name] = cls
    if type_name in _event_classes:
        return _event_classes[type_name]
    return _applied["rasa.shared.core.events.Event.resolve_by_type"](type_name, default)


# -- 2. a bounded wait for the action server, and 3. an apology instead of silence ------------
# rasa 3.6.21 waits up to 300 s for an action-server response; when the server is down the turn
# ends with no reply at all, and when it hangs the customer waits minutes and gets nothing.
# Here each call waits at most ACTION_TIMEOUT_SECONDS (2.5 s); after a timeout the calls of the
# next BREAKER_COOLDOWN seconds fail at once, so one turn costs one timeout, not one per action.
# A failed call is recorded for the turn; when the turn's prediction loop ends, the customer is
# told once, politely, to send the message again (texts.BUSY), and the conversation goes on
# with the next message.  Safe: an ActionExecutionRejection (a form rejecting its slot) passes
# through untouched, and what Rasa does with a failed action — log it, drop its events, predict
# on — is unchanged.

_turn_failures: contextvars.ContextVar[Optional[List[str]]] = contextvars.ContextVar("turn_failures", default=None)


class _Breaker:
    """Open for a while after a timeout: calls fail at once instead of each waiting out the timeout."""

    def __init__(self, cooldown: float) -> None:
        self.cooldown = cooldown
        self.open_until = 0.0

    def allows(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self) -> None:
        self.open_until = time.monotonic() + self.cooldown


_breaker = _Breaker(BREAKER_COOLDOWN)


def action_timeout() -> float:
    try:
        return float(os.environ.get("ACTION_TIMEOUT_SECONDS") or DEFAULT_ACTION_TIMEOUT)
    except ValueError:
        return DEFAULT_ACTION_TIMEOUT


def _failed(name: str, reason: str) -> ActionServerUnavailable:
    failures = _turn_failures.get()
    if failures is not None:
        failures.append(name)
    return ActionServerUnavailable(f"custom action '{name}' failed: {reason}")


async def _remote_action_run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    from rasa.core.actions.action import ActionExecutionRejection

    original = _applied["rasa.core.actions.action.RemoteAction.run"]
    if not _breaker.allows():
        raise _failed(self.name(), "the action server timed out a moment ago") from None
    try:
        return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), timeout=action_timeout())
    except ActionExecutionRejection:
        raise
    except asyncio.TimeoutError:
        _breaker.trip()
        raise _failed(self.name(), f"no response within {action_timeout():.1f} s") from None
    except Exception as exc:  # noqa: BLE001 - connection refused, HTTP 5xx, a bad response
        raise _failed(self.name(), type(exc).__name__) from None


async def _run_prediction_loop(self: Any, output_channel: Any, tracker: Any) -> None:
    from rasa.shared.core.events import BotUttered

    token = _turn_failures.set([])
    try:
        await _applied["rasa.core.processor.MessageProcessor._run_prediction_loop"](self, output_channel, tracker)
        failures = _turn_failures.get()
    finally:
        _turn_failures.reset(token)
    if failures:
        logger.warning(
            "action server unavailable for %d action(s) of a turn; the customer was asked to resend", len(failures)
        )
        message = {"text": texts.BUSY, "custom": {"serving": "busy"}}
        tracker.update(BotUttered(text=message["text"], data={"custom": message["custom"]}))
        await output_channel.send_response(tracker.sender_id, dict(message))


# -- 4. no "/intent{...}" shortcut from users --------------------------------------------------
# rasa 3.6.21's RegexMessageHandler turns any text starting with "/" into the intent and
# entities it names ("/request_service{\"service\": ...}"), with confidence 1.0: any customer can
# forge the NLU's output that way.  Nothing in this project sends such texts (buttons carry
# plain sentences), so every message is read by the NLU as typed.


def _regex_message_handler_process(self: Any, messages: List[Any], domain: Any = None) -> List[Any]:
    return messages


# -- 4b. the model's graph run in a fixed order, without dask --------------------------------
# rasa 3.6.21 runs the NLU graph once and the policy graph two or three times per message
# through ``dask.get``, first cutting the graph down to the nodes the targets need with a
# recursive walk (no memo) and formatting a debug message of all the inputs.  That scheduling
# came to a fifth of the time the nodes themselves took.  Here the order of the needed nodes
# is worked out once per set of targets (dependencies first, as dask does) and the nodes are
# called in it, each with its inputs in the order Rasa's dask task lists them; results are
# returned in Rasa's shape, and a RuntimeError becomes Rasa's GraphRunError.  Safe: dask's
# synchronous scheduler also runs each node once, after its dependencies; the two runners give
# the same predictions on the trained model (tests/test_model_graph.py).


def _graph_plan(schema: Any, targets: tuple) -> List[tuple]:
    order: List[tuple] = []
    seen: set = set()

    def visit(name: str) -> None:
        if name in seen or name not in schema.nodes:
            return
        seen.add(name)
        needs = tuple(schema.nodes[name].needs.values())
        for dependency in needs:
            visit(dependency)
        order.append((name, needs))

    for target in targets:
        visit(target)
    return order


def _graph_runner_run(
    self: Any, inputs: Optional[Dict[str, Any]] = None, targets: Optional[List[str]] = None
) -> Dict[str, Any]:
    from rasa.engine.exceptions import GraphRunError

    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    plans = self.__dict__.setdefault("_assistant_plans", {})
    plan = plans.get(run_targets)
    if plan is None:
        plan = plans[run_targets] = _graph_plan(self._graph_schema, run_targets)
    values: Dict[str, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
    try:
        for name, needs in plan:
            values[name] = self._instantiated_nodes[name](*[values.get(n, n) for n in needs])
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(values[t] for t in run_targets)


# -- 6. every message gets a reply: the core fallback asks the answer policy -------------------
# When no rule and no story covers a message (stop_request with no request form in progress:
# "算了，不申请了"), the RulePolicy predicts rasa's ``action_default_fallback``, which utters the
# domain's ``utter_default`` and reverts the message.  This domain has no ``utter_default``
# (every answer comes from the answer policy), so the customer got nothing at all.  Here, for a
# domain without ``utter_default`` and with the custom ``action_answer``, the fallback runs
# ``action_answer`` on the action server and keeps only its messages, then reverts the message
# as rasa's fallback does — the dialogue state after it is rasa's own (no loop, no new slots).
ANSWER_ACTION = "action_answer"


def _fallback_answer_class() -> Any:
    from rasa.core.actions.action import ActionDefaultFallback, RemoteAction
    from rasa.shared.core.events import BotUttered, UserUtteranceReverted

    class AnsweringFallback(ActionDefaultFallback):
        """``action_default_fallback`` that answers through the answer policy instead of staying silent."""

        def __init__(self, action_endpoint: Any) -> None:
            super().__init__()
            self.answer = RemoteAction(ANSWER_ACTION, action_endpoint)

        async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
            events = await self.answer.run(output_channel, nlg, tracker, domain)
            return [e for e in events if isinstance(e, BotUttered)] + [UserUtteranceReverted()]

    return AnsweringFallback


def _action_for_name_or_text(action_name_or_text: str, domain: Any, action_endpoint: Any) -> Any:
    from rasa.shared.core.constants import ACTION_DEFAULT_FALLBACK_NAME

    action = _applied["rasa.core.actions.action.action_for_name_or_text"](action_name_or_text, domain, action_endpoint)
    if (
        action_name_or_text == ACTION_DEFAULT_FALLBACK_NAME
        and action_endpoint is not None
        and "utter_default" not in domain.responses
        and ANSWER_ACTION in domain.user_actions
    ):
        return _fallback_answer_class()(action_endpoint)
    return action


# -- 5. one port shared by several server processes ---------------------------------------------
# With SANIC_WORKERS > 1, Sanic 21.12 (Rasa's pin) forks workers that accept on one inherited
# socket; the first to wake takes every connection waiting (uvloop accepts until the queue is
# empty), so 20 clients that connect together all land on one worker: measured 20 : 1, the other
# core idle.  ``assistant.rasa_server`` instead starts each worker as a single-worker Rasa server
# whose listening socket is opened with SO_REUSEPORT: the kernel spreads connections across them.
# Only for those workers (a lone server keeps the plain socket, so a second server started on a
# taken port by mistake still fails with "address in use" instead of silently sharing it).


def _serve_on_shared_port(*args: Any, **kwargs: Any) -> Any:
    if kwargs.get("sock") is None and not kwargs.get("unix"):
        kwargs["reuse_port"] = True
    return _applied["sanic.server.runners.serve"](*args, **kwargs)


def share_port() -> None:
    """Make this process's Sanic server bind its port with SO_REUSEPORT (for assistant.rasa_server's workers)."""
    import sanic.server.runners as runners

    if "sanic.server.runners.serve" not in _applied:
        _applied["sanic.server.runners.serve"] = runners.serve
        runners.serve = _serve_on_shared_port


def _targets() -> Dict[str, Any]:
    import rasa.core.actions.action as actions_module
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.core.events import Event

    return {  # dotted path → (owner, attribute, replacement, the patch's short name)
        "rasa.core.actions.action.RemoteAction._validate_action_result": (
            RemoteAction,
            "_validate_action_result",
            _validate_action_result,
            "validator",
        ),
        "rasa.core.actions.action.RemoteAction.run": (RemoteAction, "run", _remote_action_run, "action_timeout"),
        "rasa.core.processor.MessageProcessor._run_prediction_loop": (
            MessageProcessor,
            "_run_prediction_loop",
            _run_prediction_loop,
            "action_timeout",
        ),
        "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler.process": (
            RegexMessageHandler,
            "process",
            _regex_message_handler_process,
            "intent_shortcut",
        ),
        "rasa.shared.core.events.Event.resolve_by_type": (
            Event,
            "resolve_by_type",
            staticmethod(_resolve_by_type),
            "event_classes",
        ),
        "rasa.engine.runner.dask.DaskGraphRunner.run": (DaskGraphRunner, "run", _graph_runner_run, "graph_runner"),
        "rasa.core.actions.action.action_for_name_or_text": (
            actions_module,
            "action_for_name_or_text",
            _action_for_name_or_text,
            "fallback_answer",
        ),
    }


NAMES = ("validator", "event_classes", "action_timeout", "intent_shortcut", "graph_runner", "fallback_answer")


def apply(skip: Optional[List[str]] = None) -> None:
    """Apply every patch (idempotent); refuse to run on a Rasa other than the pinned one.

    ``skip`` (default: $RASA_PATCHES_SKIP, comma-separated short names) leaves patches out, for
    the benchmark that measures each one's effect; nothing else sets it.
    """
    if rasa.__version__ != PINNED_RASA:
        raise RuntimeError(
            f"assistant.rasa_patches is written for rasa {PINNED_RASA}, found {rasa.__version__}: "
            "re-check every patch against the new version (tests/test_rasa_patches.py)"
        )
    if skip is None:
        skip = [x for x in os.environ.get("RASA_PATCHES_SKIP", "").split(",") if x]
    unknown = set(skip) - set(NAMES)
    if unknown:
        raise ValueError(f"RASA_PATCHES_SKIP names no patch: {sorted(unknown)} (known: {', '.join(NAMES)})")
    for name, (owner, attribute, replacement, short) in _targets().items():
        if name in _applied or short in skip:
            continue
        _applied[name] = getattr(owner, attribute)  # a staticmethod comes out as its plain function
        setattr(owner, attribute, replacement)


def original(name: str) -> Callable[..., Any]:
    """The Rasa (or Sanic) function, by dotted path, that a patch replaced or relies on (for the tests)."""
    if name in _applied:
        return _applied[name]
    import importlib

    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            obj = inspect.getattr_static(obj, attribute) if isinstance(obj, type) else getattr(obj, attribute)
        return obj.__func__ if isinstance(obj, staticmethod) else obj
    raise KeyError(name)
