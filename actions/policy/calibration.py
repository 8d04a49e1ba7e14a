"""The answer policy's thresholds, in one place, with what each was set from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """How sure the NLU must be before the policy acts on a reading other than its first.

    Both figures were set on the shipped FAQ suite (evaluation/suites); change them only with a
    measurement (``make eval``) beside the change.
    """

    # Below the NLU's fallback threshold, how likely a question about a named service must be
    # to be answered as that question ("重疾绿通 …?" read as nlu_fallback).
    unsure_question_min_confidence: float = 0.3
    # How likely the NLU's next reading must be to be answered instead of "the manual does not say".
    other_reading_min_confidence: float = 0.1
    # How many of the NLU's next readings are tried when the first has nothing in the store.
    other_readings_tried: int = 2


CALIBRATION = Calibration()
