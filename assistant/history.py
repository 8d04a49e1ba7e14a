"""A conversation's working history, kept short: the same state with only the last few turns of events.

Rasa 3.6 replays a tracker's whole event list several times per message (``tracker.copy()``
before every action, ``past_states`` for every prediction, the JSON sent with every action
call), so a turn costs more the longer the conversation: 3.3× at turns 111–120 than at 1–10.
None of that needs old turns here: the slots hold the context, and the longest rule spans two
turns.  :func:`compact` returns a tracker whose events are a *state prefix* — a ``SlotSet`` for
every slot that is set, ``ConversationPaused`` if a butler holds the conversation — followed by
the events of the last ``keep_turns`` user turns.  Replaying it gives the same current state.

Where it is cut: always at the ``action_listen`` before a user message, and only where no
form is active (a form's earlier turns take part in how Rasa reads its later ones), so an open
request form is kept whole.  Every compaction is checked: the compacted tracker's state
(slots, active loop, paused, latest message and action, follow-up, input channel) must equal the
original's, or the original is kept.  The full history is never lost: it stays in the tracker
store (``assistant.tracker_store``), and ``GET /conversations/<id>/tracker`` reads it from there.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ConversationPaused, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

KEEP_TURNS = 4  # user turns a compacted tracker keeps (the longest rule needs two)
MAX_TURNS = 8  # a tracker is compacted when it holds more user turns than this


def user_turns(tracker: DialogueStateTracker) -> int:
    return sum(1 for e in tracker.events if isinstance(e, UserUttered))


def _is_listen(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def _state(tracker: DialogueStateTracker) -> Dict[str, Any]:
    state = tracker.current_state()
    state.pop("latest_event_time", None)
    return state


def compact(tracker: DialogueStateTracker, keep_turns: int = KEEP_TURNS) -> Optional[DialogueStateTracker]:
    """The tracker with its history cut to the last ``keep_turns`` user turns, or None when it cannot be cut safely."""
    events: List[Event] = list(tracker.events)
    users = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    if len(users) <= keep_turns:
        return None
    # the action_listen before each user message that leaves at least keep_turns turns after it
    candidates = {
        users[k] - 1 for k in range(len(users) - keep_turns + 1) if users[k] > 0 and _is_listen(events[users[k] - 1])
    }
    if not candidates:
        return None
    replay = tracker.init_copy()
    snapshots: Dict[int, Dict[str, Any]] = {}
    for i, event in enumerate(events):
        if i in candidates and replay.active_loop is None:
            snapshots[i] = {
                "slots": {n: copy.deepcopy(s.value) for n, s in replay.slots.items() if s.value != s.initial_value},
                "paused": replay.is_paused(),
            }
        replay.update(event)
    if not snapshots:
        return None
    cut = max(snapshots)
    at = events[cut].timestamp
    prefix: List[Event] = [SlotSet(name, value, timestamp=at) for name, value in snapshots[cut]["slots"].items()]
    if snapshots[cut]["paused"]:
        prefix.append(ConversationPaused(timestamp=at))
    compacted = DialogueStateTracker.from_events(
        tracker.sender_id, prefix + events[cut:], tracker.slots.values(), tracker._max_event_history
    )
    compacted.model_id, compacted.assistant_id = tracker.model_id, tracker.assistant_id
    if _state(compacted) != _state(tracker):
        return None
    return compacted
