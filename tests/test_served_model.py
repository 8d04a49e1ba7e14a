"""The trained model, served with this project's changes, decides exactly as stock Rasa would.

Two changes touch what the model sees: the graph run without dask (assistant.rasa_patches) and
the short working history (assistant.history).  Both are checked here on the real model:
NLU results for the independent test questions, and next-action predictions at every step of
real conversations held with the running assistant (coverage questions, follow-ups, a request
form with a question in the middle, a stop), on the full tracker and on its compacted copy.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List

import pytest
import yaml

from assistant import rasa_patches
from assistant.history import compact
from knowledge.config import ROOT

CONVERSATIONS = [
    [
        "平安的住院陪护在毫州能用吗",
        "那乌海呢",
        "需要提前多久申请",
        "要带什么材料",
        "我买的是众安的",
        "门诊陪诊在杭州能用吗",
        "义乌呢",
        "等待期多久",
        "客服电话多少",
        "谢谢",
    ],
    [
        "你好",
        "我要申请7天住院陪护",
        "PA2025000501",
        "0501",
        "乌海",
        "需要带什么材料？",
        "毫州",
        "算了不办了",
        "那就医陪诊在杭州能用吗",
        "我的申请进度",
        "再见",
    ],
    [
        "转人工",
        "安盛的绿通怎么申请",
        "成都呢",
        "好的",
        "是的",
        "我要预约就医陪诊",
        "杭州",
        "浙江省人民医院",
        "这个要多少钱",
        "不办了",
    ],
]


@pytest.fixture(scope="module")
def agent(model_path):
    from rasa.core.agent import Agent

    rasa_patches.apply()
    return Agent.load(str(model_path))


@pytest.fixture(scope="module")
def trackers(assistant, desk) -> List[Any]:
    """Full trackers of real conversations held with the running assistant, read back from its HTTP API."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "bot" / "domain.yml"))
    out = []
    for k, turns in enumerate(CONVERSATIONS * 2):  # twice: long enough to be compacted several times
        sender = f"model-check-{k}"
        for text in turns + turns:
            assistant.say(sender, text)
        events = assistant.tracker(sender)["events"]
        out.append(DialogueStateTracker.from_dict(sender, events, domain.slots))
    return out


def _prediction(agent, tracker) -> Dict[str, Any]:
    p = agent.processor._predict_next_with_tracker(tracker)
    return {"policy": p.policy_name, "probabilities": [round(x, 6) for x in p.probabilities]}


def _with_dask(fn):
    """Run ``fn`` with Rasa's own graph runner in place of the patched one."""
    from rasa.engine.runner.dask import DaskGraphRunner

    name = "rasa.engine.runner.dask.DaskGraphRunner.run"
    patched, DaskGraphRunner.run = DaskGraphRunner.run, rasa_patches.original(name)
    try:
        return fn()
    finally:
        DaskGraphRunner.run = patched


def test_the_graph_runner_gives_dasks_nlu_results(agent):
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.trackers import DialogueStateTracker

    data = yaml.safe_load((ROOT / "tests" / "nlu" / "test_nlu.yml").read_text("utf-8"))
    texts = [line[2:].strip() for block in data["nlu"] for line in block["examples"].splitlines() if line.strip()]
    tracker = DialogueStateTracker("t", [])
    for text in itertools.islice(texts, 0, None, 5):
        ours = agent.processor._parse_message_with_graph(UserMessage(text), tracker)
        theirs = _with_dask(lambda text=text: agent.processor._parse_message_with_graph(UserMessage(text), tracker))
        assert ours["intent"] == theirs["intent"] and ours["entities"] == theirs["entities"], text
        assert ours["intent_ranking"] == theirs["intent_ranking"], text


def test_the_nlu_marks_no_place_across_words(agent):
    """The extractor gets jieba's words from the pipeline: "普通化疗药" names no place (通化)."""
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.trackers import DialogueStateTracker

    parsed = agent.processor._parse_message_with_graph(
        UserMessage("增值服务肿瘤特药那块，普通化疗药也给安排去药店买吗"), DialogueStateTracker("t", [])
    )
    assert [e["value"] for e in parsed["entities"]] == ["增值服务", "肿瘤特药"]


def _steps(tracker):
    """Every point of a conversation at which Rasa predicts: after a user message or an action other than listen."""
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = list(tracker.events)
    for i, e in enumerate(events):
        if isinstance(e, UserUttered) or (isinstance(e, ActionExecuted) and e.action_name != "action_listen"):
            yield DialogueStateTracker.from_events(tracker.sender_id, events[: i + 1], tracker.slots.values())


def test_the_graph_runner_gives_dasks_predictions(agent, trackers):
    for tracker in trackers[:3]:
        for step in _steps(tracker):
            assert _prediction(agent, step) == _with_dask(lambda step=step: _prediction(agent, step))


def test_a_compacted_history_gets_the_same_predictions_as_the_whole(agent, trackers):
    compared = 0
    for tracker in trackers:
        for step in _steps(tracker):
            short = compact(step)
            if short is None:
                continue
            assert len(short.events) < len(step.events)
            assert short.current_slot_values() == step.current_slot_values()
            assert _prediction(agent, short) == _prediction(agent, step), [e.as_dict() for e in step.events[-6:]]
            compared += 1
    assert compared > 100  # the conversations are long enough to be compacted at most of their steps
